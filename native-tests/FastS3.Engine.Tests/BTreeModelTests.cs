using FastS3.Engine.Index;
using FastS3.Engine.Paging;
using FsCheck.Xunit;
using static FastS3.Engine.Tests.TreeTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>
/// Model-based: random sequences of upsert / bulk upsert / delete / get / seek-and-walk /
/// publish / seal / make-visible / snapshot / checkpoint / reopen against a <see cref="SortedDictionary{TKey,TValue}"/>
/// in ordinal byte order. Half the runs use an 8-frame pool (every walk evicts), values include
/// multi-page overflow chains. After reopen the tree must equal the model as of the last
/// checkpoint; held snapshots must equal the model as of the version visible when they were taken,
/// whatever came later (including versions sealed but not yet visible at a checkpoint); and
/// once no snapshot is held and two checkpoints pass, every page is either reachable or free.
/// A failure names its seed; rerun it with <see cref="Replays_a_seed"/>.
/// </summary>
public sealed class BTreeModelTests
{
    private const int StepsPerRun = 260;

    [Property(MaxTest = 20)]
    public void Tree_equals_the_model_after_every_step(int seed)
    {
        try
        {
            Run(seed);
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException($"B+tree model test failed with seed {seed}: {exception.Message}", exception);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20261201)]
    public void Replays_a_seed(int seed) => Run(seed);

    private static void Run(int seed)
    {
        var random = new Random(seed);
        var poolBytes = random.Next(2) == 0 ? TinyPoolBytes : LargePoolBytes;
        var device = new FaultInjectingPageDevice();
        var tree = BTree.Open(device, poolBytes);
        var model = NewModel();
        var published = NewModel();
        var checkpointed = NewModel();
        var snapshots = new List<(BTreeSnapshot Snapshot, SortedDictionary<byte[], byte[]> Model)>();
        var sealedVersions = new List<(PublishedVersion Version, SortedDictionary<byte[], byte[]> Model)>();
        ulong lsn = 0;
        try
        {
            for (var step = 0; step < StepsPerRun; step++)
            {
                var roll = random.Next(100);
                switch (roll)
                {
                    case < 35:
                        {
                            var key = Key(random);
                            var value = Value(random);
                            Assert.Equal(!model.ContainsKey(key), tree.Upsert(key, value, ++lsn));
                            model[key] = value;
                            break;
                        }

                    case < 42:
                        for (var i = 0; i < 60; i++)
                        {
                            var key = Key(random);
                            var value = new byte[random.Next(0, 80)];
                            random.NextBytes(value);
                            tree.Upsert(key, value, ++lsn);
                            model[key] = value;
                        }

                        break;

                    case < 58:
                        {
                            var key = model.Count > 0 && random.Next(4) != 0 ? model.Keys.ElementAt(random.Next(model.Count)) : Key(random);
                            Assert.Equal(model.Remove(key), tree.Delete(key, ++lsn));
                            break;
                        }

                    case < 66:
                        {
                            var key = model.Count > 0 && random.Next(2) == 0 ? model.Keys.ElementAt(random.Next(model.Count)) : Key(random);
                            Assert.Equal(model.GetValueOrDefault(key), Get(tree, key));
                            break;
                        }

                    case < 74:
                        {
                            var lower = random.Next(3) == 0 ? [] : Key(random);
                            var max = random.Next(1, 60);
                            AssertSameEntries(Expected(model, lower, max), Walk(tree.Seek(lower), max));
                            break;
                        }

                    case < 79:
                        tree.Publish(lsn);
                        published = Copy(model);
                        sealedVersions.Clear();
                        break;

                    case < 82:
                        // The engine's pattern: seal after each commit, make visible once durable (later, maybe skipping some).
                        if (random.Next(2) == 0 || sealedVersions.Count == 0)
                        {
                            sealedVersions.Add((tree.Seal(lsn), Copy(model)));
                        }
                        else
                        {
                            var index = random.Next(sealedVersions.Count);
                            tree.MakeVisible(sealedVersions[index].Version);
                            published = sealedVersions[index].Model;
                            sealedVersions.RemoveRange(0, index + 1);
                        }

                        break;

                    case < 86:
                        snapshots.Add((tree.AcquireSnapshot(), published));
                        break;

                    case < 89:
                        if (snapshots.Count > 0)
                        {
                            var index = random.Next(snapshots.Count);
                            AssertEquals(snapshots[index].Model, snapshots[index].Snapshot);
                            snapshots[index].Snapshot.Dispose();
                            snapshots.RemoveAt(index);
                        }

                        break;

                    case < 94:
                        if (random.Next(2) == 0)
                        {
                            tree.Publish(lsn);
                            published = Copy(model);
                            sealedVersions.Clear();
                        }

                        // Otherwise versions sealed after the visible one stay out of this checkpoint.
                        tree.Checkpoint();
                        checkpointed = published;
                        Assert.Equal(tree.VisibleVersion, tree.CheckpointVersion);
                        break;

                    case < 97:
                        {
                            foreach (var held in snapshots)
                            {
                                AssertEquals(held.Model, held.Snapshot);
                                held.Snapshot.Dispose();
                            }

                            snapshots.Clear();
                            tree.Dispose();
                            device = device.CrashCopy(); // unsynced page writes are lost
                            tree = BTree.Open(device, poolBytes);
                            model = Copy(checkpointed);
                            published = Copy(checkpointed);
                            sealedVersions.Clear();
                            lsn = tree.CheckpointLsn;
                            AssertEquals(model, tree);
                            break;
                        }

                    default:
                        AssertEquals(model, tree);
                        break;
                }
            }

            AssertEquals(model, tree);
            foreach (var held in snapshots)
            {
                AssertEquals(held.Model, held.Snapshot);
                held.Snapshot.Dispose();
            }

            snapshots.Clear();
            AssertNoPageLeaks(tree, lsn);
        }
        finally
        {
            foreach (var held in snapshots)
            {
                held.Snapshot.Dispose();
            }

            tree.Dispose();
        }
    }

    /// <summary>
    /// With no snapshot held, two publish + checkpoint rounds reclaim every retired page (the first
    /// checkpoint may still reach pages the second one frees): then each page is reachable or free.
    /// </summary>
    private static void AssertNoPageLeaks(BTree tree, ulong lsn)
    {
        for (var round = 0; round < 2; round++)
        {
            tree.Publish(lsn);
            tree.Checkpoint();
        }

        AssertEveryPageReachableOrFree(tree);
    }
}
