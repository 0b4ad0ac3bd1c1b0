using HealthGateway.Gateway.Http;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// Content negotiation: the gateway speaks FHIR JSON only. <c>_format</c> or an <c>Accept</c> that excludes JSON is a
/// 406, a body that is not JSON a 415 (both as OperationOutcome).
/// </summary>
public sealed class FhirFormatFilter : IEndpointFilter
{
    // Not async: a request that passes is handed straight on (no state machine of its own on every FHIR request).
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var format = request.Query["_format"].ToString();
        if (format.Length > 0 && !IsJson(format))
            return ValueTask.FromResult<object?>(NotAcceptable());
        var accept = request.Headers.Accept;
        if (accept.Count > 0 && !AcceptsJson(accept))
            return ValueTask.FromResult<object?>(NotAcceptable());
        if ((HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method)) && !IsJson(request.ContentType ?? ""))
            return ValueTask.FromResult<object?>(Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the resource as {FhirJson.MediaType}."));
        return next(context);
    }

    /// <summary>Any listed media range is JSON or */* (spans, no splitting: this runs on every FHIR request).</summary>
    private static bool AcceptsJson(Microsoft.Extensions.Primitives.StringValues accept)
    {
        foreach (var header in accept)
        {
            var rest = (header ?? "").AsSpan();
            while (true)
            {
                var comma = rest.IndexOf(',');
                var range = comma < 0 ? rest : rest[..comma];
                if (IsJson(range) || range.Trim().StartsWith("*/*", StringComparison.Ordinal)) return true;
                if (comma < 0) break;
                rest = rest[(comma + 1)..];
            }
        }
        return false;
    }

    private static bool IsJson(ReadOnlySpan<char> mediaType)
    {
        var semicolon = mediaType.IndexOf(';');
        var type = (semicolon < 0 ? mediaType : mediaType[..semicolon]).Trim();
        return type.SequenceEqual("json") || type.SequenceEqual("application/json") || type.SequenceEqual(FhirJson.MediaType) ||
               type.SequenceEqual("application/json+fhir");
    }

    private static IResult NotAcceptable() =>
        Problems.Create(StatusCodes.Status406NotAcceptable, "Not acceptable", $"This server answers {FhirJson.MediaType} only.");
}
