namespace FastS3.Erasure.Tests;
