namespace FastS3.Server; public static class Program { public static int Main() => 0; }
