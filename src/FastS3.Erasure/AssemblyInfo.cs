using System.Runtime.CompilerServices;

// Tests compare every kernel against the scalar reference and check generator-matrix
// properties, both of which need the internal matrix and kernel types.
[assembly: InternalsVisibleTo("FastS3.Erasure.Tests")]
