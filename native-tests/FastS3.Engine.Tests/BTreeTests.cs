using System.Text;
using FastS3.Engine.Index;
using FastS3.Engine.Paging;
using static FastS3.Engine.Tests.TreeTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>The B+tree's named behaviours: order, splits, overflow, snapshots, reclamation, concurrent readers.</summary>
public sealed class BTreeTests
{
    [Fact]
    public void Lists_in_ordinal_utf8_byte_order_across_many_leaves_with_a_tiny_pool()
    {
        using var tree = BTree.Open(new FaultInjectingPageDevice(), TinyPoolBytes);
        var model = NewModel();
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var key = Encoding.UTF8.GetBytes($"k{random.Next(1_000_000):D7}{(i % 3 == 0 ? "é" : "/x")}");
            var value = BitConverter.GetBytes(i);
            tree.Upsert(key, value, (ulong)i + 1);
            model[key] = value;
        }

        AssertEquals(model, tree);
        var (pages, _) = tree.Verify();
        Assert.True(pages > 50, $"{pages} pages: the tree must span many leaves and a branch level");
        Assert.True(tree.PoolStatistics.Evictions > 0, "an 8-frame pool must evict");

        // A delimiter walk: seek past a prefix and land on the first key after it.
        var lower = Encoding.UTF8.GetBytes("k0500000");
        AssertSameEntries(Expected(model, lower, 1000), Walk(tree.Seek(lower), 1000));
    }

    [Fact]
    public void Large_values_round_trip_through_overflow_chains_and_free_them_on_overwrite()
    {
        using var tree = BTree.Open(new FaultInjectingPageDevice(), TinyPoolBytes);
        var value = new byte[100_000]; // 13 overflow pages
        new Random(3).NextBytes(value);
        tree.Upsert("big"u8, value, 1);
        tree.Publish(1);
        Assert.Equal(value, Get(tree, "big"u8.ToArray()));
        var pagesWithChain = tree.Verify().Pages;
        Assert.True(pagesWithChain >= 14, $"{pagesWithChain} pages");

        tree.Upsert("big"u8, "small"u8, 2);
        Assert.Equal("small"u8.ToArray(), Get(tree, "big"u8.ToArray()));
        Assert.Equal(1, tree.Verify().Pages);
        tree.Publish(2);
        tree.Checkpoint();
        var (free, retired, _) = tree.PageCounts;
        Assert.Equal(0, retired);
        Assert.True(free >= 14, $"{free} free pages: the old chain and leaf must be reclaimed");
    }

    [Fact]
    public void Keys_and_values_at_the_limits_are_stored_and_longer_keys_are_refused()
    {
        using var tree = BTree.Open(new FaultInjectingPageDevice(), TinyPoolBytes);
        var model = NewModel();
        for (var i = 0; i < 40; i++)
        {
            var key = new byte[NodePage.MaxKeyBytes];
            Array.Fill(key, (byte)'k');
            key[^1] = (byte)i;
            var value = new byte[NodePage.MaxLeafCellBytes - NodePage.LeafCellHeaderBytes - key.Length + (i % 2)]; // exactly inline, then one byte over
            value.AsSpan().Fill((byte)i);
            tree.Upsert(key, value, (ulong)i + 1);
            model[key] = value;
        }

        AssertEquals(model, tree);
        Assert.Throws<ArgumentException>(() => tree.Upsert(new byte[NodePage.MaxKeyBytes + 1], [], 99));
    }

    [Fact]
    public void Deleting_every_key_frees_every_page()
    {
        using var tree = BTree.Open(new FaultInjectingPageDevice(), TinyPoolBytes);
        var random = new Random(5);
        var keys = new List<byte[]>();
        for (var i = 0; i < 5000; i++)
        {
            var key = Key(random);
            if (tree.Upsert(key, Value(random), 1))
            {
                keys.Add(key);
            }
        }

        tree.Publish(1);
        tree.Checkpoint();
        foreach (var key in keys.OrderBy(_ => random.Next()))
        {
            Assert.True(tree.Delete(key, 2));
        }

        Assert.Equal(0, tree.Count);
        Assert.Empty(Walk(tree.Seek([])));
        tree.Publish(2);
        tree.Checkpoint();
        AssertEveryPageReachableOrFree(tree); // the tree is empty: every page is free
    }

    [Fact]
    public void Underfull_leaves_merge_so_a_shrunken_tree_keeps_few_pages()
    {
        using var tree = BTree.Open(new FaultInjectingPageDevice(), TinyPoolBytes);
        var model = NewModel();
        for (var i = 0; i < 20_000; i++)
        {
            var key = Encoding.UTF8.GetBytes($"obj/{i:D6}");
            tree.Upsert(key, [(byte)i], 1);
            model[key] = [(byte)i];
        }

        var before = tree.Verify().Pages;
        var random = new Random(11);
        foreach (var key in model.Keys.ToList())
        {
            if (random.Next(20) != 0) // delete ~95%, scattered: no leaf empties on its own
            {
                Assert.True(tree.Delete(key, 2));
                model.Remove(key);
            }
        }

        AssertEquals(model, tree);
        var after = tree.Verify().Pages;
        Assert.True(after * 4 < before, $"{before} pages before, {after} after deleting 95% of the keys");
    }

    [Fact]
    public void A_reused_cursor_reads_the_snapshot_it_was_last_seeked_on()
    {
        using var tree = BTree.Open(new FaultInjectingPageDevice(), TinyPoolBytes);
        var before = NewModel();
        for (var i = 0; i < 2000; i++)
        {
            var key = Encoding.UTF8.GetBytes($"k/{i:D5}");
            tree.Upsert(key, [1], 1);
            before[key] = [1];
        }

        tree.Publish(1);
        using var old = tree.AcquireSnapshot();
        var after = Copy(before);
        foreach (var key in before.Keys.Where((_, i) => i % 3 == 0))
        {
            tree.Delete(key, 2);
            after.Remove(key);
        }

        tree.Publish(2);
        using var current = tree.AcquireSnapshot();
        var cursor = current.Seek([]);
        var lower = Encoding.UTF8.GetBytes("k/00500");
        for (var round = 0; round < 2; round++)
        {
            AssertSameEntries(Expected(before, lower, 300), Walk(old.Seek(lower, cursor), 300));
            AssertSameEntries(Expected(after, lower, 300), Walk(current.Seek(lower, cursor), 300));
        }
    }

    [Fact]
    public void A_held_snapshot_stays_unchanged_while_the_writer_continues_and_its_pages_wait()
    {
        using var tree = BTree.Open(new FaultInjectingPageDevice(), TinyPoolBytes);
        var random = new Random(9);
        var model = NewModel();
        for (var i = 0; i < 3000; i++)
        {
            var key = Key(random);
            var value = Value(random);
            tree.Upsert(key, value, 1);
            model[key] = value;
        }

        tree.Publish(1);
        using var snapshot = tree.AcquireSnapshot();
        var frozen = Copy(model);

        // The writer overwrites, deletes everything, publishes and checkpoints: nothing the
        // snapshot reaches may be reclaimed or overwritten.
        foreach (var key in model.Keys.ToList())
        {
            tree.Upsert(key, "new"u8, 2);
        }

        foreach (var key in model.Keys.ToList())
        {
            tree.Delete(key, 3);
        }

        for (var round = 0; round < 3; round++)
        {
            tree.Publish(3);
            tree.Checkpoint();
            tree.Upsert(Key(random), Value(random), 4);
        }

        Assert.True(tree.PageCounts.Retired > 0, "the snapshot's pages must wait");
        AssertEquals(frozen, snapshot);
        Assert.Equal(1UL, snapshot.AppliedLsn);

        snapshot.Dispose();
        tree.Publish(4);
        tree.Checkpoint();
        Assert.Equal(0, tree.PageCounts.Retired);
    }

    [Fact]
    public void Pages_younger_than_the_checkpoint_are_reused_once_readers_leave_without_waiting_for_a_checkpoint()
    {
        using var tree = BTree.Open(new FaultInjectingPageDevice(), LargePoolBytes);
        var random = new Random(11);
        for (var i = 0; i < 2_000; i++)
        {
            tree.Upsert(Key(random), Value(random), 1);
        }

        tree.Publish(1);
        tree.Checkpoint();
        var (_, _, afterCheckpoint) = tree.PageCounts;

        // One publish per change, as the engine seals one version per commit, and no checkpoint:
        // each change copies a root-to-leaf path; the copies of earlier changes must be reused.
        var keys = Enumerable.Range(0, 50).Select(_ => Key(random)).ToList();
        var lsn = 2UL;
        for (var round = 0; round < 40; round++)
        {
            foreach (var key in keys)
            {
                tree.Upsert(key, Value(random), lsn);
                tree.Publish(lsn++);
            }
        }

        var (_, retired, allocated) = tree.PageCounts;
        Assert.True(allocated < afterCheckpoint + 200, $"{allocated} pages after 2,000 published changes (was {afterCheckpoint}): young pages were not reused");
        Assert.True(retired > 0, "pages the checkpoint reaches still wait for the next one");

        // A short reader inside its section keeps its version's pages, however many changes follow.
        using (tree.EnterRead())
        {
            var held = tree.Visible;
            var expected = Get(tree, keys[0]);
            for (var i = 0; i < 200; i++)
            {
                tree.Upsert(keys[i % keys.Count], Value(random), lsn);
                tree.Publish(lsn++);
            }

            var read = new System.Buffers.ArrayBufferWriter<byte>();
            Assert.True(tree.TryGet(held, keys[0], read));
            Assert.Equal(expected, read.WrittenSpan.ToArray());
        }

        tree.Checkpoint();
        tree.Verify();
    }

    [Fact]
    public void A_checkpoint_being_written_holds_only_its_own_pages_not_every_later_copy()
    {
        using var tree = BTree.Open(new FaultInjectingPageDevice(), LargePoolBytes);
        var random = new Random(9);
        for (var i = 0; i < 2_000; i++)
        {
            tree.Upsert(Key(random), Value(random), 1);
        }

        tree.Publish(1);
        tree.Checkpoint();
        var keys = Enumerable.Range(0, 50).Select(_ => Key(random)).ToList();
        var capture = tree.BeginCheckpoint(); // a slow checkpoint: its version stays held meanwhile
        var (_, _, whenCaptured) = tree.PageCounts;
        var lsn = 2UL;
        for (var round = 0; round < 40; round++)
        {
            foreach (var key in keys)
            {
                tree.Upsert(key, Value(random), lsn);
                tree.Publish(lsn++);
            }
        }

        var (_, _, allocated) = tree.PageCounts;
        Assert.True(allocated < whenCaptured + 400, $"{allocated} pages after 2,000 commits during one checkpoint (was {whenCaptured})");
        tree.WriteCheckpoint(capture);
        tree.Checkpoint();
        tree.Verify();
    }

    [Fact]
    public void A_checkpoint_flushes_only_pages_its_root_reaches_never_one_it_lists_free()
    {
        using var tree = BTree.Open(new FaultInjectingPageDevice(), LargePoolBytes);
        var random = new Random(5);
        for (var i = 0; i < 500; i++)
        {
            tree.Upsert(Key(random), Value(random), 1);
        }

        tree.Publish(1);
        tree.Checkpoint();

        // A reader holds an early version, so pages the writer replaces after it stay retired
        // (not yet reclaimed) although the next checkpoint's root no longer reaches them.
        var keys = Enumerable.Range(0, 20).Select(_ => Key(random)).ToList();
        var lsn = 2UL;
        foreach (var key in keys)
        {
            tree.Upsert(key, Value(random), lsn);
            tree.Publish(lsn++);
        }

        using (tree.EnterRead())
        {
            foreach (var key in keys)
            {
                tree.Upsert(key, Value(random), lsn);
                tree.Publish(lsn++);
            }

            var capture = tree.BeginCheckpoint();
            var free = IndexCheckpointRecord.Decode(capture.Record).FreePages.ToHashSet();
            Assert.NotEmpty(free);
            Assert.DoesNotContain(capture.Pages, free.Contains); // a free page may be rewritten while the checkpoint runs
            tree.WriteCheckpoint(capture);
        }

        tree.Verify();
    }

    [Fact]
    public void A_sealed_version_is_invisible_until_made_visible_and_a_checkpoint_takes_the_visible_one()
    {
        var device = new FaultInjectingPageDevice();
        using (var tree = BTree.Open(device, TinyPoolBytes))
        {
            tree.Upsert("a"u8, "1"u8, 1);
            tree.Publish(1);
            tree.Upsert("b"u8, "2"u8, 2);
            var second = tree.Seal(2); // commit 2 appended, not yet durable
            tree.Upsert("c"u8, "3"u8, 3);
            var third = tree.Seal(3);

            using (var snapshot = tree.AcquireSnapshot())
            {
                Assert.Equal(1UL, snapshot.Count);
                Assert.Null(Get(snapshot, "b"u8.ToArray()));
            }

            tree.MakeVisible(second);
            using (var snapshot = tree.AcquireSnapshot())
            {
                Assert.Equal(2UL, snapshot.Count);
                Assert.Equal("2"u8.ToArray(), Get(snapshot, "b"u8.ToArray()));
                Assert.Null(Get(snapshot, "c"u8.ToArray()));
            }

            tree.Checkpoint(); // of version 2; version 3's pages are free in this checkpoint
            Assert.Equal(2UL, tree.CheckpointLsn);
            tree.MakeVisible(third);
        }

        using var reopened = BTree.Open(device.CrashCopy(), TinyPoolBytes);
        var expected = NewModel();
        expected["a"u8.ToArray()] = "1"u8.ToArray();
        expected["b"u8.ToArray()] = "2"u8.ToArray();
        AssertEquals(expected, reopened);
        AssertEveryPageReachableOrFree(reopened);
    }

    [Fact]
    public void Readers_on_other_threads_always_see_whole_published_versions()
    {
        using var tree = BTree.Open(new FaultInjectingPageDevice(), 16 * 8192);
        const int Keys = 4000;
        var done = 0;
        var scans = 0;
        var failures = new List<string>();
        var readers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            // Bounded by the writer: stops when it is done (and at most 100k scans).
            while (Volatile.Read(ref done) == 0 && scans < 100_000)
            {
                using var snapshot = tree.AcquireSnapshot();
                var expected = (int)snapshot.AppliedLsn;
                var cursor = snapshot.Seek([]);
                var seen = 0;
                while (cursor.MoveNext())
                {
                    if (!cursor.Key.SequenceEqual(KeyOf(seen)) || !cursor.Value.SequenceEqual(ValueOf(seen)))
                    {
                        lock (failures)
                        {
                            failures.Add($"version with {expected} keys: entry {seen} is {Encoding.UTF8.GetString(cursor.Key)}");
                        }

                        return;
                    }

                    seen++;
                }

                if (seen != expected)
                {
                    lock (failures)
                    {
                        failures.Add($"version with {expected} keys listed {seen}");
                    }

                    return;
                }

                Interlocked.Increment(ref scans);
            }
        })).ToList();
        readers.ForEach(thread => thread.Start());
        for (var i = 0; i < Keys; i++)
        {
            tree.Upsert(KeyOf(i), ValueOf(i), (ulong)i + 1);
            if (i % 10 == 9)
            {
                tree.Publish((ulong)i + 1); // the version holds keys 0..i exactly
            }

            if (i % 1000 == 999)
            {
                tree.Checkpoint();
            }
        }

        Volatile.Write(ref done, 1);
        readers.ForEach(thread => thread.Join());
        Assert.Empty(failures);
        Assert.True(scans > 0);

        static byte[] KeyOf(int i) => Encoding.UTF8.GetBytes($"key/{i:D6}");
        static byte[] ValueOf(int i) => BitConverter.GetBytes(i * 7);
    }
}
