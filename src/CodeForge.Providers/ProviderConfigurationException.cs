namespace CodeForge.Providers;

/// <summary>
/// The provider cannot be configured from what was given: a missing API key, an unknown provider name, a model no
/// provider claims, a malformed base URL. <see cref="Exception.Message"/> is one line that says exactly what to set,
/// fit to print as is before exiting with a non-zero code.
/// </summary>
public sealed class ProviderConfigurationException : Exception
{
    public ProviderConfigurationException()
    {
    }

    public ProviderConfigurationException(string message) : base(message)
    {
    }

    public ProviderConfigurationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
