namespace FastS3.Server;

/// <summary>A start-up configuration error; its message names the key or flag at fault.</summary>
public sealed class ConfigException(string message) : Exception(message);
