using FastS3.Engine.Index;
using FastS3.Engine.Paging;
using static FastS3.Engine.Tests.TreeTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>
/// Power cuts with the page device seam. A checkpoint C1 is durable; then the writer changes
/// most of the tree through an 8-frame pool (so evictions write new pages to the file, unsynced)
/// and a second checkpoint is cut short: by a failed fsync, a torn last page write, a failed
/// record write after the pages were synced. Reopening must give exactly C1's content: no page
/// C1 reaches was overwritten. A checkpoint that completes must give C2's content.
/// </summary>
public sealed class BTreeCrashTests
{
    public enum Cut
    {
        /// <summary>The power fails before anything after C1 is synced; unsynced writes are lost.</summary>
        DropUnsyncedWrites,

        /// <summary>The checkpoint's fsync fails; the crash then tears the last page write.</summary>
        FailedFsyncThenTornWrite,

        /// <summary>The pages are synced, the record replace fails: the new pages are durable but unreferenced.</summary>
        FailedRecordWriteAfterSync,

        /// <summary>Nothing fails: the crash comes after C2 completed.</summary>
        None,
    }

    [Theory]
    [InlineData(Cut.DropUnsyncedWrites, 1)]
    [InlineData(Cut.FailedFsyncThenTornWrite, 2)]
    [InlineData(Cut.FailedFsyncThenTornWrite, 3)]
    [InlineData(Cut.FailedRecordWriteAfterSync, 4)]
    [InlineData(Cut.None, 5)]
    public void Reopen_gives_the_last_durable_checkpoint(Cut cut, int seed)
    {
        var random = new Random(seed);
        var device = new FaultInjectingPageDevice();
        var first = NewModel();
        var second = NewModel();
        using (var tree = BTree.Open(device, TinyPoolBytes))
        {
            Fill(tree, first, random, count: 2000, lsn: 1);
            tree.Publish(1);
            tree.Checkpoint();

            // Published in rounds, so pages the writer frees get reused (and written by eviction)
            // before the crash: exactly the pages a wrong reclamation would take from C1.
            second = Copy(first);
            for (var round = 0; round < 4; round++)
            {
                foreach (var key in second.Keys.Where(_ => random.Next(8) == 0).ToList())
                {
                    tree.Delete(key, 2);
                    second.Remove(key);
                }

                foreach (var key in second.Keys.Where(_ => random.Next(6) == 0).ToList())
                {
                    var value = Value(random);
                    tree.Upsert(key, value, 2);
                    second[key] = value;
                }

                Fill(tree, second, random, count: 250, lsn: 2);
                tree.Publish(2);
            }

            Assert.True(device.WriteCount > 0, "evictions must have written pages after C1");

            switch (cut)
            {
                case Cut.DropUnsyncedWrites:
                    break;
                case Cut.FailedFsyncThenTornWrite:
                    device.FailSyncs = true;
                    Assert.Throws<IOException>(tree.Checkpoint);
                    Assert.Throws<InvalidOperationException>(tree.BeginCheckpoint); // no checkpoint builds on unknown pages
                    break;
                case Cut.FailedRecordWriteAfterSync:
                    device.FailMetadataWrites = true;
                    Assert.Throws<IOException>(tree.Checkpoint);
                    break;
                case Cut.None:
                    tree.Checkpoint();
                    break;
            }
        }

        var image = device.CrashCopy(cut == Cut.FailedFsyncThenTornWrite ? random : null);
        using var reopened = BTree.Open(image, TinyPoolBytes);
        var expected = cut == Cut.None ? second : first;
        AssertEquals(expected, reopened);
        Assert.Equal(cut == Cut.None ? 2UL : 1UL, reopened.CheckpointLsn);

        // The reopened tree keeps working and its free list is exact.
        Fill(reopened, expected, random, count: 500, lsn: 3);
        reopened.Publish(3);
        reopened.Checkpoint();
        AssertEquals(expected, reopened);
        AssertEveryPageReachableOrFree(reopened);
    }

    [Fact]
    public void A_flipped_bit_is_a_named_error_never_wrong_data()
    {
        var random = new Random(17);
        var device = new FaultInjectingPageDevice();
        var model = NewModel();
        ulong root;
        using (var tree = BTree.Open(device, TinyPoolBytes))
        {
            Fill(tree, model, random, count: 1500, lsn: 1);
            tree.Publish(1);
            tree.Checkpoint();
            using var snapshot = tree.AcquireSnapshot();
            root = snapshot.RootPageId;
        }

        var corruptions = 0;
        for (var trial = 0; trial < 40; trial++)
        {
            var image = device.CrashCopy();
            var offset = trial == 0 ? ((long)root * 8192) + 100 : random.NextInt64(8192, image.LengthBytes); // trial 0: the root, read by every lookup
            image.FlipBit(offset, random.Next(8));
            using var tree = BTree.Open(image, TinyPoolBytes);
            try
            {
                AssertEquals(model, tree); // a flip in a free page changes nothing
            }
            catch (PageCorruptionException exception)
            {
                Assert.Equal((ulong)(offset / 8192), exception.PageId);
                corruptions++;
            }
        }

        Assert.True(corruptions > 0);
    }

    [Fact]
    public void A_corrupt_checkpoint_record_is_a_named_error()
    {
        var device = new FaultInjectingPageDevice();
        using (var tree = BTree.Open(device, TinyPoolBytes))
        {
            tree.Upsert("a"u8, "1"u8, 1);
            tree.Publish(1);
            tree.Checkpoint();
        }

        var record = device.ReadMetadata()!;
        record[^3] ^= 0x10;
        device.WriteMetadataDurable(record);
        var exception = Assert.Throws<PageCorruptionException>(() => BTree.Open(device, TinyPoolBytes));
        Assert.Contains("checkpoint record", exception.Message, StringComparison.Ordinal);
    }

    private static void Fill(BTree tree, SortedDictionary<byte[], byte[]> model, Random random, int count, ulong lsn)
    {
        for (var i = 0; i < count; i++)
        {
            var key = Key(random);
            var value = Value(random);
            tree.Upsert(key, value, lsn);
            model[key] = value;
        }
    }
}
