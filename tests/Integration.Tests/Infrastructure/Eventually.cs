namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// Retries an assertion until it passes or a generous deadline expires (the AwaitAssert of
/// async tests). The pause between tries is a poll interval, not a guess at how long things take.
/// </summary>
public static class Eventually
{
    public static async Task AssertAsync(Func<Task> assertion, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public static async Task<T> GetAsync<T>(Func<Task<T>> attempt, Func<T, bool> accept, TimeSpan? timeout = null)
    {
        T last = default!;
        await AssertAsync(async () =>
        {
            last = await attempt();
            Assert.True(accept(last), $"condition not met yet: {last}");
        }, timeout);
        return last;
    }
}
