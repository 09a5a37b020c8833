using Evertoken.Graph;

namespace Evertoken.WhatsApp;

/// <summary>Adds the WhatsApp reading of an error to <see cref="GraphError"/>, which stays the one error carrier.</summary>
public static class GraphErrorWhatsAppExtensions
{
    extension(GraphError error)
    {
        /// <summary>The <see cref="WhatsAppErrorKind"/> of this error (see <see cref="WhatsAppErrorClassifier"/>).</summary>
        public WhatsAppErrorKind WhatsAppKind => WhatsAppErrorClassifier.Classify(error);
    }
}
