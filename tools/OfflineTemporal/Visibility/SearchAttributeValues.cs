using System.Globalization;
using System.Text.Json;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;

namespace Commerce.OfflineTemporal.Visibility;

/// <summary>Search attribute payloads are JSON (json/plain) with an optional "type" metadata entry set by the SDK.</summary>
internal static class SearchAttributeValues
{
    private static readonly Dictionary<string, IndexedValueType> TypeNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Keyword"] = IndexedValueType.Keyword,
        ["Text"] = IndexedValueType.Text,
        ["Int"] = IndexedValueType.Int,
        ["Double"] = IndexedValueType.Double,
        ["Bool"] = IndexedValueType.Bool,
        ["Datetime"] = IndexedValueType.Datetime,
        ["KeywordList"] = IndexedValueType.KeywordList,
    };

    public static IndexedValueType? DeclaredType(Payload payload) =>
        payload.Metadata.TryGetValue("type", out var t) && TypeNames.TryGetValue(t.ToStringUtf8(), out var type) ? type : null;

    /// <summary>True for the SDK's way of unsetting an attribute (an empty or null payload).</summary>
    public static bool IsUnset(Payload payload)
    {
        if (payload.Data.IsEmpty)
        {
            return true;
        }

        var text = payload.Data.ToStringUtf8().Trim();
        return text is "null" or "[]";
    }

    /// <returns>A string, long, double, bool, DateTime or string[]; throws on a malformed payload.</returns>
    public static object? Decode(Payload payload, IndexedValueType type)
    {
        if (IsUnset(payload))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(payload.Data.Memory);
        var root = doc.RootElement;
        return type switch
        {
            IndexedValueType.Int => root.GetInt64(),
            IndexedValueType.Double => root.GetDouble(),
            IndexedValueType.Bool => root.GetBoolean(),
            IndexedValueType.Datetime => DateTimeOffset.Parse(root.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime,
            IndexedValueType.KeywordList => root.ValueKind == JsonValueKind.Array
                ? root.EnumerateArray().Select(e => e.GetString() ?? "").ToArray()
                : [root.GetString() ?? ""],
            _ => root.ValueKind == JsonValueKind.Array
                ? root.EnumerateArray().Select(e => e.GetString() ?? "").FirstOrDefault()
                : root.GetString(),
        };
    }
}
