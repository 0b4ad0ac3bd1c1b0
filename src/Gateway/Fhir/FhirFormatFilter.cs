using HealthGateway.Gateway.Api;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// Content negotiation: the gateway speaks FHIR JSON only. <c>_format</c> or an <c>Accept</c> that excludes JSON is a
/// 406, a body that is not JSON a 415 (both as OperationOutcome).
/// </summary>
public sealed class FhirFormatFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var format = request.Query["_format"].ToString();
        if (format.Length > 0 && !IsJson(format))
            return NotAcceptable();
        var accept = request.Headers.Accept.ToString();
        if (accept.Length > 0 && !accept.Split(',').Any(a => IsJson(a) || a.Trim().StartsWith("*/*", StringComparison.Ordinal)))
            return NotAcceptable();
        if ((HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method)) && !IsJson(request.ContentType ?? ""))
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"Send the resource as {FhirJson.MediaType}.");
        return await next(context);
    }

    private static bool IsJson(string mediaType)
    {
        var type = mediaType.Split(';')[0].Trim();
        return type is "json" or "application/json" or FhirJson.MediaType or "application/json+fhir";
    }

    private static IResult NotAcceptable() =>
        Problems.Create(StatusCodes.Status406NotAcceptable, "Not acceptable", $"This server answers {FhirJson.MediaType} only.");
}
