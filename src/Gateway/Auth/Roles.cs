namespace HealthGateway.Gateway.Auth;

/// <summary>The <c>role</c> claim values a token may carry. A token has exactly one role.</summary>
public static class Roles
{
    public const string Patient = "patient";
    public const string Unit = "unit";
    public const string Partner = "partner";
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Patient, Unit, Partner, Admin };
}

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    public const string Patient = "patient";
    /// <summary>Any valid token with a subject; what it may do is decided by <see cref="PatientAccessPolicy"/>.</summary>
    public const string Caller = "caller";
    public const string Unit = "unit";
    public const string Admin = "admin";
}
