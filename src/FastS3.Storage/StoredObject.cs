namespace FastS3.Storage;

/// <summary>A committed object version: its metadata and its bytes.</summary>
public sealed record StoredObject(ObjectInfo Info, IObjectContent Content);
