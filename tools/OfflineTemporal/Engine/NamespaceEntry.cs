using Temporalio.Api.Enums.V1;

namespace Commerce.OfflineTemporal.Engine;

internal sealed class NamespaceEntry(string name)
{
    public string Name { get; } = name;

    public string Id { get; } = Guid.NewGuid().ToString();

    /// <summary>
    /// Custom search attributes, pre-seeded with the ones <c>temporal server start-dev</c> ships so
    /// code written against the dev server works unchanged.
    /// </summary>
    public Dictionary<string, IndexedValueType> SearchAttributes { get; } = new(StringComparer.Ordinal)
    {
        ["CustomKeywordField"] = IndexedValueType.Keyword,
        ["CustomStringField"] = IndexedValueType.Text,
        ["CustomTextField"] = IndexedValueType.Text,
        ["CustomIntField"] = IndexedValueType.Int,
        ["CustomDatetimeField"] = IndexedValueType.Datetime,
        ["CustomDoubleField"] = IndexedValueType.Double,
        ["CustomBoolField"] = IndexedValueType.Bool,
    };

    /// <summary>System attributes the SDK itself may upsert (patching writes TemporalChangeVersion).</summary>
    public static IReadOnlyDictionary<string, IndexedValueType> SystemSearchAttributes { get; } = new Dictionary<string, IndexedValueType>(StringComparer.Ordinal)
    {
        ["TemporalChangeVersion"] = IndexedValueType.KeywordList,
        ["BinaryChecksums"] = IndexedValueType.KeywordList,
        ["BuildIds"] = IndexedValueType.KeywordList,
        ["TemporalScheduledById"] = IndexedValueType.Keyword,
        ["TemporalScheduledStartTime"] = IndexedValueType.Datetime,
        ["TemporalPauseInfo"] = IndexedValueType.KeywordList,
    };

    public bool TryGetSearchAttributeType(string name, out IndexedValueType type) =>
        SearchAttributes.TryGetValue(name, out type) || SystemSearchAttributes.TryGetValue(name, out type);
}
