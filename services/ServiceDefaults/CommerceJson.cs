using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Commerce.ServiceDefaults;

/// <summary>The one JSON shape used on the wire: HTTP bodies, Refit clients and event payloads.</summary>
public static class CommerceJson
{
    /// <summary>
    /// Web defaults (camelCase), enums as strings, and strict reading: a missing constructor parameter, a null
    /// for a non-nullable member or element, or a collection longer than its declared maximum is a 400 with the
    /// field's path, not a silently defaulted value (see <see cref="RequestCollections"/>).
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.Converters.Add(new JsonStringEnumConverter());
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(RequestCollections.Apply);
        return options;
    }
}
