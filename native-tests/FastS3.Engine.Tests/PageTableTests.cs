using FastS3.Engine.Paging;

namespace FastS3.Engine.Tests;

/// <summary>The pool's open-addressed page table against a dictionary: adds and removes (backward shift) in crowded probe runs.</summary>
public sealed class PageTableTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Lookups_match_a_dictionary_through_random_adds_and_removes(int seed)
    {
        const int Frames = 64;
        var table = new PageTable(Frames);
        var model = new Dictionary<ulong, int>();
        var freeFrames = new Stack<int>(Enumerable.Range(0, Frames));
        var random = new Random(seed);
        for (var step = 0; step < 20_000; step++)
        {
            // Page ids from a small range (dense, as a page file's) and from far apart: both collide in 128 slots.
            var pageId = random.Next(3) == 0 ? (ulong)random.NextInt64(0, (long)PageTable.MaxPageId) : (ulong)random.Next(200);
            if (model.TryGetValue(pageId, out var frame))
            {
                table.Remove(pageId);
                model.Remove(pageId);
                freeFrames.Push(frame);
            }
            else if (freeFrames.Count > 0)
            {
                frame = freeFrames.Pop();
                table.Add(pageId, frame);
                model.Add(pageId, frame);
            }

            Assert.Equal(model.Count, table.Count);
            if (step % 16 == 0)
            {
                foreach (var (page, expected) in model)
                {
                    Assert.True(table.Find(page) == expected, $"seed {seed}, step {step}: page {page}");
                }

                for (var probe = 0; probe < 200; probe++)
                {
                    Assert.Equal(model.GetValueOrDefault((ulong)probe, -1), table.Find((ulong)probe));
                }
            }
        }
    }
}
