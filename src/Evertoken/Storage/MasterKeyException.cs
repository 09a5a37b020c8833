namespace Evertoken.Storage;

/// <summary>The master key is missing, malformed, or does not open the store. The message says which and how to fix it.</summary>
public sealed class MasterKeyException(string message, Exception? inner = null) : Exception(message, inner);
