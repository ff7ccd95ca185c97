namespace LvsLab.Nft;

/// <summary>Rules the nftables forwarder cannot express, with every reason.</summary>
public sealed class NftTranslationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NftTranslationException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public NftTranslationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NftTranslationException(string message, Exception innerException)
        : base(message, innerException) => Reasons = [message];

    /// <summary>Creates the exception from reasons.</summary>
    /// <param name="reasons">Why, one per problem.</param>
    public NftTranslationException(IReadOnlyList<string> reasons)
        : base(string.Join("\n", reasons)) => Reasons = reasons;

    /// <summary>Why, one per problem.</summary>
    public IReadOnlyList<string> Reasons { get; }
}
