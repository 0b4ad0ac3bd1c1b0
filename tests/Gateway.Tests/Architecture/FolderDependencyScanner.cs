using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HealthGateway.Gateway.Tests.Architecture;

/// <summary>
/// Which folders of <c>src/Gateway</c> each file uses, read from the syntax (Roslyn), so comments and
/// string literals never count and every form of reference does: <c>using</c> (plain, <c>static</c>, alias,
/// <c>global</c>, or relative inside a namespace block), fully qualified names (<c>HealthGateway.Gateway.X.T</c>,
/// <c>global::</c> too) and names qualified from a parent namespace (<c>Ops.T</c>, <c>Gateway.Ops.T</c>), wherever
/// they stand (types, <c>typeof</c>, <c>nameof</c>, attributes, interpolation holes).
/// A file belongs to the folder its path starts with, or, inside a wing (<see cref="Wings"/>), to the wing's sub-folder
/// (<c>Units/Session</c>); files directly in a wing belong to the wing; files at the project root are the composition root.
/// A folder's namespace is its path with dots (<c>HealthGateway.Gateway.Units.Session</c>), and a name belongs to the
/// folder whose namespace is its longest prefix.
/// </summary>
public sealed class FolderDependencyScanner
{
    public const string RootNamespace = "HealthGateway.Gateway";

    /// <summary>The folder of files directly under <c>src/Gateway</c>: the composition root (may use every folder).</summary>
    public const string CompositionRoot = "(root)";

    /// <summary>Top-level folders whose sub-folders are folders of their own (issue 13: Units holds Session, Connection, Messages).</summary>
    public static readonly IReadOnlySet<string> Wings = new HashSet<string>(StringComparer.Ordinal) { "Units" };

    private readonly IReadOnlySet<string> _folders;
    private readonly IReadOnlyDictionary<string, HashSet<string>> _namesByFolder;

    /// <param name="folders">The folders (namespaces <c>HealthGateway.Gateway.&lt;Folder&gt;</c>, a wing's sub-folders <c>...&lt;Wing&gt;.&lt;Sub&gt;</c>).</param>
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
            var depth = NamespaceSegments(file.Folder).Count;
            foreach (var ns in file.Root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>())
            {
                var segments = Segments(ns.Name);
                if (segments.Count > depth) names.Add(segments[depth]);
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
        var parts = relativePath.Split('/');
        if (parts.Length == 1) return CompositionRoot;
        return parts.Length > 2 && Wings.Contains(parts[0]) ? $"{parts[0]}/{parts[1]}" : parts[0];
    }

    /// <summary>The namespace of a folder, as segments: <c>Units/Session</c> is <c>HealthGateway.Gateway.Units.Session</c>.</summary>
    public static IReadOnlyList<string> NamespaceSegments(string folder) =>
        folder == CompositionRoot ? RootNamespace.Split('.') : [.. RootNamespace.Split('.'), .. folder.Split('/')];

    /// <summary>Files whose declared namespace is not their folder's (the folder of a file would then lie about it).</summary>
    public IEnumerable<string> MisplacedFiles() =>
        from file in Files
        from ns in file.Root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>()
        let segments = Segments(ns.Name)
        let name = string.Join('.', segments)
        let expected = string.Join('.', NamespaceSegments(file.Folder))
        where (name != expected && !name.StartsWith(expected + ".", StringComparison.Ordinal))
              || (file.Folder != CompositionRoot && LongestFolderPrefix(segments, out _) != file.Folder)
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
                UsingDirectiveSyntax { NamespaceOrType: { } target } @using => FolderOfChain(Segments(target), EnclosingNamespace(@using), isUsing: true),
                IdentifierNameSyntax identifier when IsLeftmostOfChain(identifier) => FolderOfChain(ChainFrom(identifier), EnclosingNamespace(identifier), isUsing: false),
                AliasQualifiedNameSyntax { Alias.Identifier.ValueText: "global" } global => FolderOfChain(ChainFrom(global), [], isUsing: false),
                _ => null,
            };
            if (folder is not null) yield return folder;
        }
    }

    /// <summary>
    /// The folder a dotted name refers to, looked up as C# does: in each enclosing namespace, innermost first, then from
    /// the global namespace (<c>HealthGateway.Gateway.X...</c>). So inside <c>HealthGateway.Gateway.Api</c>,
    /// <c>Gateway.X...</c> and <c>X.T</c> name folder X, and inside <c>HealthGateway.Gateway.Units.Connection</c>,
    /// <c>Session.T</c> names <c>Units/Session</c>. A name relative to <c>HealthGateway.Gateway</c> or deeper counts only
    /// when followed by one of the folder's types or sub-namespaces (a local or member called like a folder is not), or
    /// when it is a <c>using</c> of the folder itself.
    /// </summary>
    private string? FolderOfChain(IReadOnlyList<string> segments, IReadOnlyList<string> scope, bool isUsing)
    {
        for (var depth = scope.Count; depth >= 0; depth--)
        {
            var candidate = scope.Take(depth).Concat(segments).ToList();
            // The chain must name the folder, not merely stand inside it (a file's own types are no reference).
            if (LongestFolderPrefix(candidate, out var length) is not { } folder || length <= depth) continue;
            if (candidate.Count == length)
            {
                if (isUsing) return folder;
                continue;
            }
            if (depth < 2 || _namesByFolder[folder].Contains(candidate[length])) return folder;
        }
        return null;
    }

    /// <summary>The folder whose namespace is the longest prefix of <paramref name="name"/>; <paramref name="length"/>: its segments.</summary>
    private string? LongestFolderPrefix(IReadOnlyList<string> name, out int length)
    {
        string? best = null;
        length = 0;
        foreach (var folder in _folders)
        {
            var ns = NamespaceSegments(folder);
            if (ns.Count <= name.Count && ns.Count > length && ns.SequenceEqual(name.Take(ns.Count)))
            {
                best = folder;
                length = ns.Count;
            }
        }
        return best;
    }

    /// <summary>The namespace <paramref name="node"/> stands in (nested declarations joined), outermost segment first.</summary>
    private static List<string> EnclosingNamespace(SyntaxNode node) =>
        node.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse().SelectMany(ns => Segments(ns.Name)).ToList();

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
