using System.Collections.Concurrent;

namespace Evertoken.Emulator;

/// <summary>A WhatsApp Business Account (WABA), its phone numbers and the apps subscribed to its webhooks.</summary>
public sealed class EmulatorWaba
{
    private readonly ConcurrentDictionary<string, WabaSubscription> _subscriptions = new(StringComparer.Ordinal);

    internal EmulatorWaba(string id, string name, string businessId)
    {
        Id = id;
        Name = name;
        BusinessId = businessId;
    }

    /// <summary>The WABA id.</summary>
    public string Id { get; }

    /// <summary>Its name.</summary>
    public string Name { get; }

    /// <summary>The business that owns it.</summary>
    public string BusinessId { get; }

    /// <summary>The apps subscribed to its webhooks, in no particular order.</summary>
    public IReadOnlyCollection<WabaSubscription> Subscriptions => [.. _subscriptions.Values];

    internal void Subscribe(WabaSubscription subscription) => _subscriptions[subscription.AppId] = subscription;

    internal bool Unsubscribe(string appId) => _subscriptions.TryRemove(appId, out _);

    /// <inheritdoc />
    public override string ToString() => $"WABA {Id} ({Name})";
}
