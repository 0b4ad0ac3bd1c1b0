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

    /// <summary>
    /// "in step", or why deliveries are held (a restored or ahead unit store) with the settled writes the unit lost and
    /// what to run (docs/operations.md, "A unit restored from a backup").
    /// </summary>
    public static string DeliveryStream(JsonElement unit)
    {
        if (!unit.TryGetProperty("deliveryMismatch", out var m) || m.ValueKind != JsonValueKind.Object) return "in step";
        var unitId = Text(unit, "unitId");
        var text = Text(m, "state") == "unit-behind"
            ? $"restored: unit at seq {Number(m, "unitLastAppliedSeq")}, gateway settled up to {Number(m, "gatewaySettledSeq")}, " +
              $"{Number(m, "missingAtUnit")} settled writes the unit no longer has"
            : $"ahead: unit at seq {Number(m, "unitLastAppliedSeq")}, gateway assigned up to {Number(m, "gatewayLastWriteSeq")}";
        var ids = OperationIds(m);
        if (ids.Count > 0) text += $"{Environment.NewLine}missing at the unit (re-enter them): {string.Join(", ", ids)}";
        return text + $"{Environment.NewLine}new writes are held; resolve with: hgw units resync {unitId}";
    }

    /// <summary>When and by whom the delivery stream was last resynced, and what it resolved.</summary>
    public static string LastResync(JsonElement unit)
    {
        if (!unit.TryGetProperty("lastResync", out var r) || r.ValueKind != JsonValueKind.Object) return "-";
        var m = r.GetProperty("mismatch");
        var ids = OperationIds(m);
        return $"{Timestamp(r, "at")} by {Text(r, "by")}: {Text(m, "state")}, continued after seq {Number(m, "unitLastAppliedSeq")}" +
               (ids.Count > 0 ? $"{Environment.NewLine}settled writes the unit lost: {string.Join(", ", ids)}" : "");
    }

    public static IReadOnlyList<string> OperationIds(JsonElement mismatch) =>
        mismatch.TryGetProperty("missingOperationIds", out var ids) && ids.ValueKind == JsonValueKind.Array
            ? ids.EnumerateArray().Select(i => i.GetString() ?? "").ToList()
            : [];

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
