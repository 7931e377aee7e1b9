namespace FastS3.Auth.Tests;
