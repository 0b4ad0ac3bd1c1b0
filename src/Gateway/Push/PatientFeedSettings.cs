namespace HealthGateway.Gateway.Push;

/// <summary>The limits a <see cref="PatientFeedActor"/> enforces, from <see cref="GatewayOptions"/>.</summary>
public sealed record PatientFeedSettings(int Window, TimeSpan MaxAge, int MaxSubscribers)
{
    public static PatientFeedSettings From(GatewayOptions options) =>
        new(options.PatientFeedWindow, options.PatientFeedMaxAge, options.PatientStreamsPerPatient);
}
