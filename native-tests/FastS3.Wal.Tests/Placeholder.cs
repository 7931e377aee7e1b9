namespace FastS3.Wal.Tests;
