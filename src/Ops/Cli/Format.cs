using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace HealthGateway.Ops.Cli;

/// <summary>How hgw prints API values in tables.</summary>
internal static class Format
{
    public static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()
            : "-";

    public static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static long Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    /// <summary>A timestamp as UTC to the second, with how long ago.</summary>
    public static string Time(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String || !v.TryGetDateTimeOffset(out var at)) return "-";
        return $"{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z ({Ago(DateTimeOffset.UtcNow - at)} ago)";
    }

    /// <summary>A timestamp as UTC to the second (for times that may lie ahead, like an expiry).</summary>
    public static string Timestamp(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var at)
            ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z"
            : "-";

    public static string Ago(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        if (span.TotalSeconds < 60) return $"{span.TotalSeconds:0}s";
        if (span.TotalMinutes < 60) return $"{(int)span.TotalMinutes}m{span.Seconds:00}s";
        if (span.TotalHours < 24) return $"{(int)span.TotalHours}h{span.Minutes:00}m";
        return $"{(int)span.TotalDays}d{span.Hours:00}h";
    }

    public static string Seconds(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? Ago(TimeSpan.FromSeconds(v.GetDouble())) : "-";

    /// <summary>"queued/delivered/applied/rejected/expired" counts.</summary>
    public static string Operations(JsonElement e) =>
        e.TryGetProperty("operations", out var o)
            ? $"{Number(o, "queued")}/{Number(o, "delivered")}/{Number(o, "applied")}/{Number(o, "rejected")}/{Number(o, "expired")}"
            : "-";

    public static Table NewTable(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns) table.AddColumn(new TableColumn(column).NoWrap());
        return table;
    }

    /// <summary>A two-column property grid for one object.</summary>
    public static Table Properties(IEnumerable<(string Name, string Value)> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders();
        table.AddColumn(new TableColumn("property").NoWrap());
        table.AddColumn(new TableColumn("value"));
        foreach (var (name, value) in rows) table.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value));
        return table;
    }
}
