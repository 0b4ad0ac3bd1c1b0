using System.Text.Json;
using System.Text.Json.Serialization;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Protocol.Codec;

/// <summary>
/// Source-generated serialization for every frame and contract: no reflection on the hot path,
/// trimming-safe. Strict: constructor parameters are required and non-nullable ones reject null.
/// Unknown properties are ignored so that a minor protocol revision may add optional fields.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    // Web defaults read numbers from strings and match names case-insensitively; the wire is strict.
    NumberHandling = JsonNumberHandling.Strict,
    PropertyNameCaseInsensitive = false,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(Frame))]
[JsonSerializable(typeof(Hello))]
[JsonSerializable(typeof(Welcome))]
[JsonSerializable(typeof(Request))]
[JsonSerializable(typeof(Reply))]
[JsonSerializable(typeof(Deliver))]
[JsonSerializable(typeof(Ack))]
[JsonSerializable(typeof(EventBatch))]
[JsonSerializable(typeof(ErrorFrame))]
[JsonSerializable(typeof(Ping))]
[JsonSerializable(typeof(Pong))]
[JsonSerializable(typeof(AppointmentList))]
[JsonSerializable(typeof(InvoiceList))]
[JsonSerializable(typeof(MedicalRecord))]
[JsonSerializable(typeof(PatientDemographics))]
[JsonSerializable(typeof(BookAppointment))]
[JsonSerializable(typeof(RescheduleAppointment))]
[JsonSerializable(typeof(CancelAppointment))]
[JsonSerializable(typeof(PayInvoice))]
[JsonSerializable(typeof(PatientRegistered))]
[JsonSerializable(typeof(PatientReleased))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
