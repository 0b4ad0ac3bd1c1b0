using HealthGateway.UnitNode.Tests.Support;

namespace HealthGateway.UnitNode.Tests.Storage;

public sealed class OutboxStoreTests
{
    [Fact]
    public void Reads_after_a_seq_in_order_with_a_limit()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 10);

        var page = harness.Outbox.ReadAfter(3, 4);
        Assert.Equal(new long[] { 4, 5, 6, 7 }, page.Select(e => e.Seq));
        Assert.Empty(harness.Outbox.ReadAfter(10, 4));
    }

    [Fact]
    public void Acks_are_cumulative()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 10);

        Assert.Equal(6, harness.Outbox.MarkAcked(6));
        Assert.Equal(4, harness.Outbox.CountUnacked());
        Assert.Equal(0, harness.Outbox.MarkAcked(3));
        // Acknowledged rows stay readable: the gateway's Welcome decides what is resent.
        Assert.Equal(10, harness.Outbox.ReadAfter(0, 100).Count);
    }

    [Fact]
    public async Task New_events_continue_after_a_seq_the_gateway_already_holds()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 2);

        Assert.True(harness.Outbox.EnsureNextSeqAbove(100));
        Assert.False(harness.Outbox.EnsureNextSeqAbove(50));
        await harness.Store.RegisterPatientAsync("p-new", "New Patient");

        Assert.Equal(101, harness.Outbox.ReadAfter(2, 10).Single().Seq);
        Assert.Equal(101, harness.Outbox.HighestSeq());
    }

    [Fact]
    public async Task Unacknowledged_events_are_renumbered_in_order_above_a_gateway_seq_beyond_the_store()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 5);
        harness.Outbox.MarkAcked(3);
        var unsent = harness.Outbox.ReadAfter(3, 10).Select(e => e.EventId).ToList();

        // The gateway holds seqs up to 10: this store (restored from an older copy) only ever issued 1..5.
        Assert.Equal(2, harness.Outbox.RenumberUnackedAbove(10));

        var renumbered = harness.Outbox.ReadAfter(10, 10);
        Assert.Equal(new long[] { 11, 12 }, renumbered.Select(e => e.Seq));
        Assert.Equal(unsent, renumbered.Select(e => e.EventId));
        Assert.Equal(2, harness.Outbox.CountUnacked());
        Assert.Equal(3, harness.Outbox.ReadAfter(0, 10).Count(e => e.Seq <= 3));
        await harness.Store.RegisterPatientAsync("p-after", "After Restore");
        Assert.Equal(13, harness.Outbox.ReadAfter(12, 10).Single().Seq);
    }

    [Fact]
    public void Events_are_not_renumbered_when_the_gateway_seq_is_one_the_store_issued()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 5);

        // A lost ack, not a restore: the gateway holds 1..4, which this store sent; 5 is still to come.
        Assert.Equal(0, harness.Outbox.RenumberUnackedAbove(4));
        Assert.Equal(0, harness.Outbox.RenumberUnackedAbove(5));

        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, harness.Outbox.ReadAfter(0, 10).Select(e => e.Seq));
        Assert.Equal(5, harness.Outbox.HighestSeq());
    }
}
