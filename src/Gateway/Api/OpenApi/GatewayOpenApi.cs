using HealthGateway.Gateway.Http.OpenApi;
using Scalar.AspNetCore;

namespace HealthGateway.Gateway.Api.OpenApi;

/// <summary>
/// The OpenAPI description of the REST API (<c>/openapi/v1.json</c>, every environment: partners build against it)
/// and the interactive Scalar reference at <c>/docs</c> (Development, or <c>Gateway:ServeApiReference=true</c>:
/// the local demo serves it without running the whole host in Development).
/// </summary>
public static class GatewayOpenApi
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/{documentName}.json";
    public const string ReferencePath = "/docs";
    public const string ServeReferenceSetting = "Gateway:ServeApiReference";

    /// <param name="examples">Every folder's examples, keyed by endpoint name (see <see cref="ApiExamples"/>).</param>
    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services, params IReadOnlyDictionary<string, ApiExample>[] examples) =>
        services.AddSingleton(new ApiExamples(examples)).AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer<ApiInfoTransformer>();
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<ApiExampleTransformer>();
            options.AddOperationTransformer<DurableWriteHeadersTransformer>();
        });

    public static WebApplication MapGatewayApiDocs(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous().ExcludeFromDescription();
        if (app.Configuration.GetValue<bool?>(ServeReferenceSetting) ?? app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference(ReferencePath, scalar => scalar
                .WithTitle("HealthGateway API")
                .WithOpenApiRoutePattern(DocumentPath)
                .AddPreferredSecuritySchemes(BearerSecurityTransformer.SchemeName))
                .AllowAnonymous();
        }
        return app;
    }
}
