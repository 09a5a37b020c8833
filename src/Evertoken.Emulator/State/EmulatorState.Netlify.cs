using Evertoken.Emulator.Netlify;

namespace Evertoken.Emulator;

public sealed partial class EmulatorState
{
    /// <summary>The account id of the sample Netlify team seeded with the sample world.</summary>
    public const string NetlifySampleAccountId = "evertoken-sample-team";

    /// <summary>The site id of the sample Netlify site seeded with the sample world.</summary>
    public const string NetlifySampleSiteId = "5e7e0c0a1b2c3d4e5f607182";

    /// <summary>The personal access token of the sample Netlify team (a fake value: it opens only this fake).</summary>
    public const string NetlifySampleAccessToken = "nfp_evertoken_sample_access_token";

    /// <summary>
    /// The fake Netlify API served beside Graph by <see cref="EmulatorHost"/> (under <c>/netlify/api/v1</c> and
    /// <c>/netlify/build_hooks</c>), timed by <see cref="Clock"/>. Created empty on first use; the sample world adds
    /// one team and site (<see cref="NetlifySampleAccountId"/>, <see cref="NetlifySampleSiteId"/>).
    /// </summary>
    public NetlifyFake Netlify => GetOrAddExtension(() => new NetlifyFake(Clock));

    /// <summary>Adds the sample Netlify team, its access token and its site.</summary>
    internal void SeedNetlifySample()
    {
        Netlify.AddAccount(NetlifySampleAccountId, NetlifySampleAccessToken);
        Netlify.AddSite(NetlifySampleAccountId, NetlifySampleSiteId);
    }
}
