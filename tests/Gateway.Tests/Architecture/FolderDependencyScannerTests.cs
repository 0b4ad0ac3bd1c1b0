namespace HealthGateway.Gateway.Tests.Architecture;

/// <summary>The scan behind <see cref="FolderDependencyTests"/> finds every form of reference and nothing else.</summary>
public sealed class FolderDependencyScannerTests
{
    private const string OpsFile = """
        namespace HealthGateway.Gateway.Ops;
        public sealed record OpsEvent(string Type);
        public static class OpsEndpointNames { public const string Cluster = "cluster"; }
        """;

    private const string OpsSubNamespaceFile = """
        namespace HealthGateway.Gateway.Ops.Views;
        public sealed record UnitView(string Id);
        """;

    [Theory]
    [InlineData("using HealthGateway.Gateway.Ops;")]
    [InlineData("using static HealthGateway.Gateway.Ops.OpsEndpointNames;")]
    [InlineData("using Event = HealthGateway.Gateway.Ops.OpsEvent;")]
    [InlineData("global using HealthGateway.Gateway.Ops;")]
    [InlineData("namespace HealthGateway.Gateway.Api { using Ops; }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { HealthGateway.Gateway.Ops.OpsEvent? e; }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { global::HealthGateway.Gateway.Ops.OpsEvent? e; }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { Ops.OpsEvent? e; }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { Gateway.Ops.OpsEvent? e; }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { Ops.Views.UnitView? v; }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { string s = Ops.OpsEndpointNames.Cluster; }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { string s = nameof(Ops.OpsEvent); }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { object t = typeof(System.Collections.Generic.List<Ops.OpsEvent>); }")]
    [InlineData("namespace HealthGateway.Gateway.Api; [System.Obsolete(Ops.OpsEndpointNames.Cluster)] class C { }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { string s = $\"at {Ops.OpsEndpointNames.Cluster}\"; }")]
    public void Finds_a_reference(string apiSource) =>
        Assert.Contains("Ops", UsedFolders(apiSource));

    [Theory]
    [InlineData("namespace HealthGateway.Gateway.Api; // uses HealthGateway.Gateway.Ops.OpsEvent\nclass C { }")]
    [InlineData("namespace HealthGateway.Gateway.Api; /// <see cref=\"Ops.OpsEvent\"/>\nclass C { }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { string s = \"HealthGateway.Gateway.Ops.OpsEvent\"; }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { string s = \"\"\"Ops.OpsEvent\"\"\"; }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { object Ops = new(); string s => Ops.ToString()!; }")]
    [InlineData("namespace HealthGateway.Gateway.Api; class C { string s = options.Ops.OpsEvent; }")]
    public void Ignores_what_is_no_reference(string apiSource) =>
        Assert.DoesNotContain("Ops", UsedFolders(apiSource));

    [Fact]
    public void Names_a_cycle_with_one_file_on_each_side()
    {
        var scanner = FolderDependencyScanner.FromSources([
            ("Ops/OpsEvent.cs", OpsFile),
            ("Api/A.cs", "namespace HealthGateway.Gateway.Api; class A { Ops.OpsEvent? e; }"),
            ("Ops/B.cs", "using HealthGateway.Gateway.Api;\nnamespace HealthGateway.Gateway.Ops; class B { }"),
        ]);

        var cycle = Assert.Single(FolderDependencyTests.Cycles(scanner.Dependencies()));
        Assert.Equal(("Api", "Ops"), (cycle.A, cycle.B));
        Assert.Contains("Api/A.cs", cycle.Description);
        Assert.Contains("Ops/B.cs", cycle.Description);
    }

    [Fact]
    public void Reports_a_file_outside_its_folders_namespace()
    {
        var scanner = FolderDependencyScanner.FromSources([("Api/Stray.cs", "namespace HealthGateway.Gateway.Ops; class Stray { }")]);
        Assert.Single(scanner.MisplacedFiles());
    }

    private const string SessionFile = """
        namespace HealthGateway.Gateway.Units.Session;
        public sealed class UnitSessionActor { }
        """;

    private const string MessagesFile = """
        namespace HealthGateway.Gateway.Units.Messages;
        public sealed record RouteRead(string UnitId);
        """;

    [Theory]
    [InlineData("Units/Session/UnitSessionActor.cs", "Units/Session")]
    [InlineData("Units/UnitGateway.cs", "Units")]
    [InlineData("Api/OpenApi/Examples.cs", "Api")]
    [InlineData("GatewayApp.cs", FolderDependencyScanner.CompositionRoot)]
    public void A_wings_sub_folders_are_folders_of_their_own(string path, string folder) =>
        Assert.Equal(folder, FolderDependencyScanner.FolderOf(path));

    [Theory]
    [InlineData("using HealthGateway.Gateway.Units.Messages;\nnamespace HealthGateway.Gateway.Units.Connection; class C { }", "Units/Messages")]
    [InlineData("namespace HealthGateway.Gateway.Units.Connection; class C { Messages.RouteRead? r; }", "Units/Messages")]
    [InlineData("namespace HealthGateway.Gateway.Units.Connection; class C { Session.UnitSessionActor? s; }", "Units/Session")]
    [InlineData("namespace HealthGateway.Gateway.Units.Connection; class C { Units.Session.UnitSessionActor? s; }", "Units/Session")]
    [InlineData("namespace HealthGateway.Gateway.Units.Connection; class C { global::HealthGateway.Gateway.Units.Messages.RouteRead? r; }", "Units/Messages")]
    public void Finds_a_reference_into_a_wings_sub_folder(string connectionSource, string used)
    {
        var scanner = FolderDependencyScanner.FromSources([
            ("Units/Session/UnitSessionActor.cs", SessionFile),
            ("Units/Messages/RouteRead.cs", MessagesFile),
            ("Units/Connection/C.cs", connectionSource),
        ]);
        var file = scanner.Files.Single(f => f.RelativePath == "Units/Connection/C.cs");
        Assert.Equal("Units/Connection", file.Folder);
        Assert.Contains(used, scanner.UsedFolders(file));
        Assert.Empty(scanner.MisplacedFiles());
    }

    [Fact]
    public void Sub_folders_of_a_wing_make_a_cycle_of_their_own()
    {
        var scanner = FolderDependencyScanner.FromSources([
            ("Units/Session/UnitSessionActor.cs", "using HealthGateway.Gateway.Units.Connection;\nnamespace HealthGateway.Gateway.Units.Session; public sealed class UnitSessionActor { }"),
            ("Units/Connection/UnitConnectionActor.cs", "namespace HealthGateway.Gateway.Units.Connection; public sealed class UnitConnectionActor { Session.UnitSessionActor? s; }"),
            ("Units/Messages/RouteRead.cs", MessagesFile),
        ]);

        var cycle = Assert.Single(FolderDependencyTests.Cycles(scanner.Dependencies()));
        Assert.Equal(("Units/Connection", "Units/Session"), (cycle.A, cycle.B));
        Assert.DoesNotContain("Units/Messages", scanner.Dependencies().Keys);
    }

    [Fact]
    public void Reports_a_file_directly_in_a_wing_that_declares_a_sub_folders_namespace()
    {
        var scanner = FolderDependencyScanner.FromSources([
            ("Units/Session/UnitSessionActor.cs", SessionFile),
            ("Units/Stray.cs", "namespace HealthGateway.Gateway.Units.Session; class Stray { }"),
        ]);
        Assert.Contains("Units/Stray.cs", Assert.Single(scanner.MisplacedFiles()));
    }

    private static List<string> UsedFolders(string apiSource)
    {
        var scanner = FolderDependencyScanner.FromSources([("Ops/OpsEvent.cs", OpsFile), ("Ops/Views/UnitView.cs", OpsSubNamespaceFile), ("Api/C.cs", apiSource)]);
        return scanner.UsedFolders(scanner.Files.Single(f => f.RelativePath == "Api/C.cs")).ToList();
    }
}
