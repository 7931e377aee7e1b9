using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastS3.Http.Tests;

/// <summary>Properties of the head parser over generated requests and generated garbage.</summary>
public class HeadPropertyTests
{
    private static HeadSnapshot Expected(RequestSpec spec) => new(
        spec.Method,
        HttpHeadParser_KnownMethod(spec.Method),
        spec.Path,
        spec.Query ?? "",
        IsHttp11: true,
        spec.ExpectedHeaders(),
        spec.AllHeaders().Count(),
        spec.HostValue,
        spec.ContentLength ?? -1,
        IsChunked: false,
        ExpectContinue: false,
        ConnectionClose: false,
        Heads.Bytes(spec.HeadText()).Length);

    private static RequestMethod HttpHeadParser_KnownMethod(string method) => method switch
    {
        "GET" => RequestMethod.Get,
        "PUT" => RequestMethod.Put,
        "POST" => RequestMethod.Post,
        "DELETE" => RequestMethod.Delete,
        "HEAD" => RequestMethod.Head,
        "OPTIONS" => RequestMethod.Options,
        "PATCH" => RequestMethod.Patch,
        _ => RequestMethod.Custom,
    };

    /// <summary>Serialize, split anywhere (once, several times, byte by byte): parses back to itself.</summary>
    [Property(Arbitrary = [typeof(HttpArbitraries)], MaxTest = 300)]
    public Property Generated_request_split_anywhere_parses_back_to_itself(RequestSpec spec, int cut, int[] cuts)
    {
        var bytes = spec.Serialize();
        var expected = Expected(spec);
        var one = (int)((uint)cut % (uint)(bytes.Length + 1));
        var many = cuts.Select(c => (int)((uint)c % (uint)(bytes.Length + 1)));

        var whole = Heads.TryParse(bytes);
        var split = Heads.TryParse(Segments.SplitAt(bytes, one));
        var chopped = Heads.TryParse(Segments.SplitAt(bytes, many));
        var bytewise = Heads.ParseByteAtATime(bytes);
        return (expected == whole).Label("whole")
            .And((expected == split).Label("split at " + one))
            .And((expected == chopped).Label("split at many"))
            .And((expected == bytewise).Label("byte at a time"));
    }

    /// <summary>Any bytes: need-more, a parse, or a <see cref="BadHttpRequestException"/>; nothing else
    /// escapes. And feeding them a byte at a time ends the same way.</summary>
    [Property(Arbitrary = [typeof(HttpArbitraries)], MaxTest = 1000)]
    public Property Any_bytes_end_in_need_more_a_parse_or_a_rejection(byte[] junk)
    {
        var whole = Outcome(() => Heads.TryParse(junk));
        var bytewise = Outcome(() => Heads.ParseByteAtATime(junk));
        return (whole == bytewise).Label($"whole: {whole}\nbyte at a time: {bytewise}")
            .Classify(whole.StartsWith("bad:", StringComparison.Ordinal), "rejected")
            .Classify(whole.StartsWith("ok:", StringComparison.Ordinal), "parsed");
    }

    /// <summary>The garbage generator is not vacuous: it reaches need-more, parses and rejections alike.</summary>
    [Fact]
    public void Junk_generator_reaches_every_outcome()
    {
        var samples = HttpArbitraries.Junk().Generator.Sample(600, 30);
        var outcomes = samples.Select(junk => Outcome(() => Heads.TryParse(junk))).ToArray();
        var summary = string.Join(", ", outcomes.GroupBy(o => o.Split(':')[0] + (o.StartsWith("bad:", StringComparison.Ordinal) ? o[3..] : "")).Select(g => g.Key + "=" + g.Count()));
        Assert.True(outcomes.Count(o => o == "more") > 30, "need-more: " + summary);
        Assert.True(outcomes.Count(o => o.StartsWith("ok:", StringComparison.Ordinal)) > 30, "parsed");
        Assert.True(outcomes.Count(o => o.StartsWith("bad:", StringComparison.Ordinal)) > 30, "rejected");
        Assert.True(outcomes.Where(o => o.StartsWith("bad:", StringComparison.Ordinal)).Distinct().Count() >= 6, "distinct rejection reasons");
    }

    /// <summary>The same over multi-segment input.</summary>
    [Property(Arbitrary = [typeof(HttpArbitraries)], MaxTest = 300)]
    public bool Any_bytes_split_anywhere_end_the_same_way(byte[] junk, int[] cuts)
    {
        var whole = Outcome(() => Heads.TryParse(junk));
        var split = Outcome(() => Heads.TryParse(Segments.SplitAt(junk, cuts.Select(c => (int)((uint)c % (uint)(junk.Length + 1))))));
        return whole == split;
    }

    /// <summary>Only <see cref="BadHttpRequestException"/> is an expected failure; any other exception
    /// propagates and fails the property.</summary>
    private static string Outcome(Func<HeadSnapshot?> parse)
    {
        try
        {
            return parse() is { } head ? "ok:" + head : "more";
        }
        catch (BadHttpRequestException ex)
        {
            return "bad:" + ex.Reason;
        }
    }
}
