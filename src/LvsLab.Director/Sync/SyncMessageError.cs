namespace LvsLab.Director.Sync;

/// <summary>Why a datagram is not a usable version 1 synchronisation message; the whole datagram is refused.</summary>
public enum SyncMessageError
{
    /// <summary>The message is usable.</summary>
    None,

    /// <summary>Shorter than a header (8 bytes; 4 for a version 0 one).</summary>
    TruncatedHeader,

    /// <summary>The header's size is not the datagram's length.</summary>
    SizeMismatch,

    /// <summary>A version 0 message (its first byte, the entry count, is not the zero version 1 reserves).</summary>
    Version0,

    /// <summary>The reserved byte is zero but the version is not 1, or the spare field is not zero.</summary>
    UnsupportedVersion,

    /// <summary>The entry count promises an entry where fewer bytes than an entry's fixed part remain.</summary>
    TruncatedEntry,

    /// <summary>An entry's type is neither IPv4 (0) nor IPv6 (bit 0).</summary>
    UnknownEntryType,

    /// <summary>An entry's version (the top four bits of <c>ver_size</c>) is not 0.</summary>
    UnknownEntryVersion,

    /// <summary>An entry's size is shorter than its fixed part or runs past the datagram.</summary>
    BadEntrySize,

    /// <summary>An option's type and length, or its data, run past the end of its entry.</summary>
    OptionOverrun,

    /// <summary>
    /// An option is malformed: length zero, a sequence option not 24 bytes long, an engine name
    /// over 16 bytes, or an option given twice in one entry.
    /// </summary>
    BadOption,
}
