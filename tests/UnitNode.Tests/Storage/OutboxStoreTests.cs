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
}
