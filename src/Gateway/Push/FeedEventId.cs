using System.Globalization;

namespace HealthGateway.Gateway.Push;

/// <summary>
/// An event id: the feed's incarnation and the event's number in it, <c>{incarnation}-{seq}</c>.
/// The incarnation changes whenever the feed starts again, so an id from before a restart is
/// recognised as such (and answered with <c>reset</c>) instead of matching a different event.
/// </summary>
public readonly record struct FeedEventId(string Incarnation, long Seq)
{
    /// <summary>Longer resume ids are refused (400) before they reach any actor.</summary>
    public const int MaxLength = 64;

    public override string ToString() => $"{Incarnation}-{Seq.ToString(CultureInfo.InvariantCulture)}";

    public static bool TryParse(string? text, out FeedEventId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength) return false;
        var dash = text.LastIndexOf('-');
        if (dash <= 0 || !long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)) return false;
        id = new FeedEventId(text[..dash], seq);
        return true;
    }

    /// <summary>A fresh incarnation: random, so two starts of the same feed never share one.</summary>
    public static string NewIncarnation() => Guid.NewGuid().ToString("N")[..12];
}
