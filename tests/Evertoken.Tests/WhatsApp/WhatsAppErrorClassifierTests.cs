using Evertoken.Graph;
using Evertoken.WhatsApp;

namespace Evertoken.Tests.WhatsApp;

public class WhatsAppErrorClassifierTests
{
    [Theory]
    [InlineData(131047, null, 400, WhatsAppErrorKind.OutsideCustomerServiceWindow)]
    [InlineData(131056, null, 400, WhatsAppErrorKind.PairRateLimited)]
    [InlineData(130429, null, 429, WhatsAppErrorKind.ThroughputLimited)]
    [InlineData(131026, null, 400, WhatsAppErrorKind.NotAWhatsAppUser)]
    [InlineData(131030, null, 400, WhatsAppErrorKind.InvalidRecipient)]
    [InlineData(131021, null, 400, WhatsAppErrorKind.InvalidRecipient)]
    [InlineData(132000, null, 400, WhatsAppErrorKind.TemplateError)]
    [InlineData(132001, null, 404, WhatsAppErrorKind.TemplateError)]
    [InlineData(132016, null, 400, WhatsAppErrorKind.TemplateError)]
    [InlineData(368, null, 403, WhatsAppErrorKind.PolicyBlocked)]
    [InlineData(131031, null, 403, WhatsAppErrorKind.AccountLocked)]
    [InlineData(190, 463, 401, WhatsAppErrorKind.TokenExpired)]
    [InlineData(190, 460, 401, WhatsAppErrorKind.TokenInvalid)]
    [InlineData(190, null, 400, WhatsAppErrorKind.TokenInvalid)]
    [InlineData(0, null, 401, WhatsAppErrorKind.TokenInvalid)]
    [InlineData(131000, null, 500, WhatsAppErrorKind.Transient)]
    [InlineData(131016, null, 503, WhatsAppErrorKind.Transient)]
    [InlineData(133004, null, 503, WhatsAppErrorKind.Transient)]
    [InlineData(0, null, 503, WhatsAppErrorKind.Transient)]
    [InlineData(100, null, 400, WhatsAppErrorKind.InvalidParameter)]
    [InlineData(131008, null, 400, WhatsAppErrorKind.InvalidParameter)]
    [InlineData(131009, null, 400, WhatsAppErrorKind.InvalidParameter)]
    [InlineData(80007, 2446079, 429, WhatsAppErrorKind.RateLimited)]
    [InlineData(10, null, 403, WhatsAppErrorKind.PermissionDenied)]
    [InlineData(131053, null, 400, WhatsAppErrorKind.MediaError)]
    [InlineData(133010, null, 400, WhatsAppErrorKind.Unknown)]
    public void Codes_map_to_their_whatsapp_kind(int code, int? subcode, int status, WhatsAppErrorKind kind)
    {
        WhatsAppErrorClassifier.Classify(code, subcode, status).ShouldBe(kind);
        GraphError.From(code, subcode, "m", status).WhatsAppKind.ShouldBe(kind);
    }

    [Fact]
    public void An_unreachable_graph_is_transient()
    {
        GraphError.Unreachable("timeout").WhatsAppKind.ShouldBe(WhatsAppErrorKind.Transient);
    }
}
