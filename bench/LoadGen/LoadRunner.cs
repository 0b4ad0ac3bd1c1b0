using System.Diagnostics;
using HdrHistogram;

namespace HealthGateway.Bench.LoadGen;

/// <summary>
/// Closed loop: C workers, each sends its next request when the previous answer arrived (throughput).
/// Open loop: requests are scheduled at a fixed rate whatever the server does, and each latency is
/// measured from its scheduled send time, so a stall counts for every request it delayed
/// (coordinated omission corrected).
/// </summary>
public sealed class LoadRunner(HttpClient client, RequestFactory requests)
{
    private readonly LongHistogram _histogram = new(TimeSpan.TicksPerMinute, 3); // ticks, up to a minute
    private readonly Dictionary<string, long> _codes = [];
    private long _errors, _completed;

    public async Task<LoadResult> ClosedAsync(int concurrency, TimeSpan duration, long maxRequests)
    {
        var clock = Stopwatch.StartNew();
        var issued = 0L;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (clock.Elapsed < duration && (maxRequests <= 0 || Interlocked.Increment(ref issued) <= maxRequests))
                await SendAsync(Stopwatch.GetTimestamp());
        });
        await Task.WhenAll(workers);
        return Result("closed", clock.Elapsed);
    }

    public async Task<LoadResult> OpenAsync(double rate, TimeSpan duration)
    {
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        var total = (long)(rate * duration.TotalSeconds);
        var sent = 0L;
        while (sent < total)
        {
            var elapsed = Stopwatch.GetElapsedTime(start);
            var due = Math.Min(total, (long)(elapsed.TotalSeconds * rate) + 1);
            for (; sent < due; sent++)
            {
                // The scheduled time of request n, not the moment this loop got round to it.
                var scheduled = start + (long)(sent / rate * Stopwatch.Frequency);
                inFlight.Add(SendAsync(scheduled));
            }
            if (inFlight.Count > 4096) inFlight.RemoveAll(t => t.IsCompleted);
            await Task.Delay(1);
        }
        await Task.WhenAll(inFlight);
        return Result("open", Stopwatch.GetElapsedTime(start));
    }

    private async Task SendAsync(long startTimestamp)
    {
        string code;
        try
        {
            using var request = requests.Next();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            code = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            code = "error";
            Interlocked.Increment(ref _errors);
        }
        var ticks = Stopwatch.GetElapsedTime(startTimestamp).Ticks;
        lock (_histogram)
        {
            _histogram.RecordValue(Math.Min(Math.Max(ticks, 1), _histogram.HighestTrackableValue));
            _codes[code] = _codes.GetValueOrDefault(code) + 1;
        }
        Interlocked.Increment(ref _completed);
    }

    private LoadResult Result(string mode, TimeSpan elapsed)
    {
        lock (_histogram)
        {
            static double Ms(long ticks) => Math.Round(ticks / (double)TimeSpan.TicksPerMillisecond, 2);
            return new LoadResult(mode, Math.Round(elapsed.TotalSeconds, 2), _completed, Math.Round(_completed / elapsed.TotalSeconds),
                Ms(_histogram.GetValueAtPercentile(50)), Ms(_histogram.GetValueAtPercentile(99)),
                Ms(_histogram.GetValueAtPercentile(99.9)), Ms(_histogram.GetMaxValue()),
                new Dictionary<string, long>(_codes), _errors);
        }
    }
}
