using FsCheck;
using FsCheck.Fluent;

namespace FastS3.Erasure.Tests;

/// <summary>FsCheck generators for codec shapes and erasure patterns.</summary>
public static class ErasureArbitraries
{
    private static readonly Gen<(int K, int M)> Shapes = Gen.Frequency(
        (8, Gen.Choose(1, 12).SelectMany(_ => Gen.Choose(0, 6), (k, m) => (k, m))),
        (2, Gen.Choose(1, 40).SelectMany(_ => Gen.Choose(1, 20), (k, m) => (k, m))),
        // The widest codes: k + m = 255 exactly.
        (1, Gen.Choose(1, 254).Select(k => (k, 255 - k))));

    private static Gen<int> LengthFor(int totalShards) => totalShards > 40
        ? Gen.Choose(1, 300)
        : Gen.Frequency(
            (2, Gen.Choose(1, 130)),
            (4, Gen.Choose(1, 5000)),
            (1, Gen.Elements(1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 4095, 4096, 4097)));

    private static readonly Gen<CodingCase> Cases =
        from shape in Shapes
        from length in LengthFor(shape.K + shape.M)
        from offset in Gen.Choose(0, 63)
        from kernel in Gen.Elements(GfKernels.Available.ToArray())
        from seed in Gen.Choose(int.MinValue, int.MaxValue)
        select new CodingCase(shape.K, shape.M, length, offset, kernel, seed);

    public static Arbitrary<CodingCase> CodingCases() => Cases.ToArbitrary();

    /// <summary>Up to m lost shards (data or parity), and a random subset of data shards wanted.</summary>
    public static Arbitrary<ErasureCase> ErasureCases() =>
        (from coding in Cases
         from lostCount in Gen.Choose(0, coding.ParityShards)
         from order in Gen.Shuffle(Enumerable.Range(0, coding.TotalShards))
         from wanted in Gen.SubListOf(Enumerable.Range(0, coding.DataShards))
         select new ErasureCase(coding, order.Take(lostCount).Order().ToArray(), wanted.ToArray()))
        .ToArbitrary();
}
