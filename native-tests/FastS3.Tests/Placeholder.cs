namespace FastS3.Tests;
