using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HealthGateway.Gateway.Tests.Architecture;

/// <summary>
/// Which top-level folders of <c>src/Gateway</c> each file uses, read from the syntax (Roslyn), so comments and
/// string literals never count and every form of reference does: <c>using</c> (plain, <c>static</c>, alias,
/// <c>global</c>, or relative inside a namespace block), fully qualified names (<c>HealthGateway.Gateway.X.T</c>,
/// <c>global::</c> too) and names qualified from a parent namespace (<c>Ops.T</c>, <c>Gateway.Ops.T</c>), wherever
/// they stand (types, <c>typeof</c>, <c>nameof</c>, attributes, interpolation holes).
/// A file belongs to the folder its path starts with; files at the project root are the composition root.
/// </summary>
public sealed class FolderDependencyScanner
{
    public const string RootNamespace = "HealthGateway.Gateway";

    /// <summary>The folder of files directly under <c>src/Gateway</c>: the composition root (may use every folder).</summary>
    public const string CompositionRoot = "(root)";

    private readonly IReadOnlySet<string> _folders;
    private readonly IReadOnlyDictionary<string, HashSet<string>> _namesByFolder;

    /// <param name="folders">The top-level folders (namespaces <c>HealthGateway.Gateway.&lt;Folder&gt;</c>).</param>
    /// <param name="files">Every file: its folder and its syntax tree.</param>
    private FolderDependencyScanner(IReadOnlySet<string> folders, IReadOnlyList<SourceFile> files)
    {
        _folders = folders;
        Files = files;
        // What may follow "Folder." in a name qualified from a parent namespace: its types and sub-namespaces.
        _namesByFolder = folders.ToDictionary(f => f, f => new HashSet<string>(StringComparer.Ordinal));
        foreach (var file in files.Where(f => f.Folder != CompositionRoot))
        {
            var names = _namesByFolder[file.Folder];
            foreach (var type in file.Root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>()) names.Add(type.Identifier.ValueText);
            foreach (var type in file.Root.DescendantNodes().OfType<DelegateDeclarationSyntax>()) names.Add(type.Identifier.ValueText);
            foreach (var ns in file.Root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>())
            {
                var segments = Segments(ns.Name);
                if (segments.Count > 3) names.Add(segments[3]);
            }
        }
    }

    public IReadOnlyList<SourceFile> Files { get; }

    /// <summary>Reads every <c>.cs</c> file under <paramref name="projectDirectory"/> (not <c>bin</c>/<c>obj</c>).</summary>
    public static FolderDependencyScanner FromDirectory(string projectDirectory)
    {
        var files = Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(projectDirectory, path).Replace('\\', '/'))
            .Where(relative => !relative.StartsWith("bin/", StringComparison.Ordinal) && !relative.StartsWith("obj/", StringComparison.Ordinal))
            .OrderBy(relative => relative, StringComparer.Ordinal)
            .Select(relative => (relative, text: File.ReadAllText(Path.Combine(projectDirectory, relative))));
        return FromSources(files);
    }

    /// <summary>Builds the scanner from (relative path, source text) pairs: the tests of the scanner itself use this.</summary>
    public static FolderDependencyScanner FromSources(IEnumerable<(string RelativePath, string Text)> sources)
    {
        var files = sources.Select(s => new SourceFile(s.RelativePath, FolderOf(s.RelativePath), CSharpSyntaxTree.ParseText(s.Text, path: s.RelativePath).GetCompilationUnitRoot())).ToList();
        var folders = files.Select(f => f.Folder).Where(f => f != CompositionRoot).ToHashSet(StringComparer.Ordinal);
        return new FolderDependencyScanner(folders, files);
    }

    public static string FolderOf(string relativePath)
    {
        var slash = relativePath.IndexOf('/');
        return slash < 0 ? CompositionRoot : relativePath[..slash];
    }

    /// <summary>Files whose declared namespace is not their folder's (the folder of a file would then lie about it).</summary>
    public IEnumerable<string> MisplacedFiles() =>
        from file in Files
        from ns in file.Root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>()
        let name = string.Join('.', Segments(ns.Name))
        let expected = file.Folder == CompositionRoot ? RootNamespace : $"{RootNamespace}.{file.Folder}"
        where name != expected && !name.StartsWith(expected + ".", StringComparison.Ordinal)
        select $"{file.RelativePath} declares namespace {name}, expected {expected}";

    /// <summary>Source folder -> used folder -> the files of the source folder that use it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> Dependencies()
    {
        var result = new SortedDictionary<string, SortedDictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            foreach (var used in UsedFolders(file).Where(used => used != file.Folder))
            {
                if (!result.TryGetValue(file.Folder, out var targets)) result[file.Folder] = targets = new(StringComparer.Ordinal);
                if (!targets.TryGetValue(used, out var users)) targets[used] = users = new(StringComparer.Ordinal);
                users.Add(file.RelativePath);
            }
        }
        return result.ToDictionary(
            s => s.Key,
            s => (IReadOnlyDictionary<string, IReadOnlyList<string>>)s.Value.ToDictionary(t => t.Key, t => (IReadOnlyList<string>)t.Value.ToList()));
    }

    /// <summary>Every folder <paramref name="file"/> names, its own included.</summary>
    public IEnumerable<string> UsedFolders(SourceFile file)
    {
        foreach (var node in file.Root.DescendantNodes())
        {
            var folder = node switch
            {
                UsingDirectiveSyntax @using => FolderOfUsing(@using),
                IdentifierNameSyntax identifier when IsLeftmostOfChain(identifier) => FolderOfChain(ChainFrom(identifier)),
                AliasQualifiedNameSyntax { Alias.Identifier.ValueText: "global" } global => FolderOfChain(ChainFrom(global)),
                _ => null,
            };
            if (folder is not null) yield return folder;
        }
    }

    private string? FolderOfUsing(UsingDirectiveSyntax directive)
    {
        if (directive.NamespaceOrType is not { } target) return null;
        var segments = Segments(target);
        if (FolderOfChain(segments) is { } folder) return folder;
        // "namespace HealthGateway.Gateway.Api { using Ops; }" means HealthGateway.Gateway.Ops.
        return directive.Parent is BaseNamespaceDeclarationSyntax && segments.Count > 0 && _folders.Contains(segments[0]) ? segments[0] : null;
    }

    /// <summary>
    /// The folder a dotted name refers to: <c>HealthGateway.Gateway.X...</c>, or, since every file's namespace lies
    /// under <c>HealthGateway.Gateway</c>, <c>Gateway.X...</c> and <c>X.T</c> where T is a type or sub-namespace of X
    /// (a local or member that happens to be called like a folder is not followed by one of its types).
    /// </summary>
    private string? FolderOfChain(IReadOnlyList<string> segments)
    {
        if (segments.Count >= 3 && segments[0] == "HealthGateway" && segments[1] == "Gateway" && _folders.Contains(segments[2])) return segments[2];
        if (segments.Count >= 2 && segments[0] == "Gateway" && _folders.Contains(segments[1])) return segments[1];
        if (segments.Count >= 2 && _folders.Contains(segments[0]) && _namesByFolder[segments[0]].Contains(segments[1])) return segments[0];
        return null;
    }

    /// <summary>True for the first name of <c>A.B.C</c> (as a type name or a member access); a lone name is no chain.</summary>
    private static bool IsLeftmostOfChain(IdentifierNameSyntax identifier) => identifier.Parent switch
    {
        QualifiedNameSyntax qualified => qualified.Left == identifier,
        MemberAccessExpressionSyntax access => access.Expression == identifier && access.IsKind(SyntaxKind.SimpleMemberAccessExpression),
        _ => false,
    };

    /// <summary>The names of the dotted chain that starts at <paramref name="start"/>, left to right.</summary>
    private static List<string> ChainFrom(SyntaxNode start)
    {
        var segments = start switch
        {
            AliasQualifiedNameSyntax global => [global.Name.Identifier.ValueText],
            IdentifierNameSyntax identifier => new List<string> { identifier.Identifier.ValueText },
            _ => [],
        };
        var current = start;
        while (true)
        {
            switch (current.Parent)
            {
                case QualifiedNameSyntax qualified when qualified.Left == current:
                    segments.Add(qualified.Right.Identifier.ValueText);
                    current = qualified;
                    continue;
                case MemberAccessExpressionSyntax access when access.Expression == current:
                    segments.Add(access.Name.Identifier.ValueText);
                    current = access;
                    continue;
            }
            return segments;
        }
    }

    private static List<string> Segments(SyntaxNode name) => name switch
    {
        QualifiedNameSyntax qualified => [.. Segments(qualified.Left), qualified.Right.Identifier.ValueText],
        AliasQualifiedNameSyntax alias => [alias.Name.Identifier.ValueText],
        SimpleNameSyntax simple => [simple.Identifier.ValueText],
        _ => [],
    };

    public sealed record SourceFile(string RelativePath, string Folder, CompilationUnitSyntax Root);
}
