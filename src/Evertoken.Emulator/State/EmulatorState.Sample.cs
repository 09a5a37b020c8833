namespace Evertoken.Emulator;

public sealed partial class EmulatorState
{
    private static readonly string[] WhatsAppScopes = ["whatsapp_business_management", "whatsapp_business_messaging", "business_management"];

    /// <summary>The seeded sample world, or null when <see cref="SeedSample"/> has not run.</summary>
    public SampleWorld? Sample { get; private set; }

    /// <summary>Seeds the sample world (see <see cref="SampleWorld"/>) and returns it.</summary>
    /// <exception cref="InvalidOperationException">When it was seeded already.</exception>
    public SampleWorld SeedSample()
    {
        if (Sample is not null)
        {
            throw new InvalidOperationException("The sample world is already seeded.");
        }

        var app = CreateApp("Evertoken Sample App");
        var business = CreateBusiness("Evertoken Sample Business");
        var admin = CreateSystemUser(business.Id, "Evertoken Admin", "ADMIN");
        InstallApp(admin.Id, app.Id);
        var waba = CreateWaba(business.Id, "Evertoken Sample WABA", NewId(16));
        var phone = AddPhoneNumber(waba.Id, "+1 555-0100", "Evertoken Sample", NewId(15));
        SubscribeApp(waba.Id, app.Id);
        var otherWaba = CreateWaba(business.Id, "Unrelated WABA", NewId(16));
        var personId = NewId(16);

        string Mint(EmulatorTokenKind kind, TokenLifetime lifetime, IReadOnlyList<string> scopes, IReadOnlyList<string>? wabas = null) =>
            MintToken(new TokenSpec
            {
                AppId = app.Id,
                Kind = kind,
                Lifetime = lifetime,
                Scopes = scopes,
                WabaIds = wabas,
                UserId = kind == EmulatorTokenKind.SystemUser ? admin.Id : kind == EmulatorTokenKind.User ? personId : null,
                UserName = kind == EmulatorTokenKind.SystemUser ? null : "Sample Person",
            }).AccessToken;

        var userScopes = new[] { "public_profile", "whatsapp_business_management", "whatsapp_business_messaging", "business_management" };
        Sample = new SampleWorld
        {
            AppId = app.Id,
            AppSecret = app.Secret,
            AppName = app.Name,
            BusinessId = business.Id,
            SystemUserId = admin.Id,
            WabaId = waba.Id,
            PhoneNumberId = phone.Id,
            DisplayPhoneNumber = phone.DisplayPhoneNumber,
            OtherWabaId = otherWaba.Id,
            SystemUserToken = Mint(EmulatorTokenKind.SystemUser, TokenLifetime.Never, WhatsAppScopes),
            SystemUserToken60Days = Mint(EmulatorTokenKind.SystemUser, TokenLifetime.SixtyDays, WhatsAppScopes),
            UserTokenShortLived = Mint(EmulatorTokenKind.User, TokenLifetime.Short, userScopes),
            UserToken60Days = Mint(EmulatorTokenKind.User, TokenLifetime.SixtyDays, userScopes),
            AppToken = Mint(EmulatorTokenKind.App, TokenLifetime.Never, []),
            TokenWithoutMessaging = Mint(EmulatorTokenKind.SystemUser, TokenLifetime.Never, ["whatsapp_business_management", "business_management"]),
            OtherWabaToken = Mint(EmulatorTokenKind.SystemUser, TokenLifetime.Never, WhatsAppScopes, [otherWaba.Id]),
        };
        return Sample;
    }
}
