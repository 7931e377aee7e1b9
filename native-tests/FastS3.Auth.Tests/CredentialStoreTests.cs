using FastS3.Auth.Credentials;
using Xunit;

namespace FastS3.Auth.Tests;

public class CredentialStoreTests
{
    [Fact]
    public void Parses_users_comments_blank_lines_and_trims()
    {
        var store = CredentialStore.Parse("# users\n\n  AKIDONE : secret:with:colons  \r\nAKIDTWO:two\n   # indented comment\n");
        Assert.Equal(2, store.Count);
        Assert.True(store.TryGet("AKIDONE", out var one));
        Assert.Equal("AKIDONE", one.AccessKey);
        Assert.True(store.TryGet("AKIDTWO"u8, out var two));
        Assert.Equal("AKIDTWO", two.AccessKey);
        Assert.False(store.TryGet("AKIDTHREE"u8, out _));
        Assert.False(store.TryGet(new byte[200], out _));
    }

    [Theory]
    [InlineData("AKIDONE:one\nno-colon-here\n", 2)]
    [InlineData("\n\n:secret\n", 3)]
    [InlineData("KEY:\n", 1)]
    [InlineData("A:1\nA:2\n", 2)]
    [InlineData("# c\nBAD KEY:secret\n", 2)]
    public void Malformed_line_names_its_number(string content, int line)
    {
        var e = Assert.Throws<FormatException>(() => CredentialStore.Parse(content, "users.txt"));
        Assert.Contains($"line {line}", e.Message, StringComparison.Ordinal);
        Assert.Contains("users.txt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_from_a_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "AKIDFILE:filesecret\n");
            Assert.True(CredentialStore.Load(path).TryGet("AKIDFILE", out _));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
