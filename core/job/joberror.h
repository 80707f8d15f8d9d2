#pragma once

#include <QString>

namespace sharedmap {

/// What is wrong with a job, typed: the field at fault (so a form can mark it without reading
/// the message) and the readable one-line message the CLI prints. A default-constructed error
/// means "no error".
struct JobError
{
    /// The part of the job (or of its command line) an error is about.
    enum class Field
    {
        None, ///< no error, or one no field of the job is to blame for
        Arguments, ///< the command line itself: an unknown option, an unexpected argument
        JobFile, ///< `--job`: the file cannot be read or holds a bad job
        Input, ///< the input path (`--input`, FILE)
        InputOptions, ///< how to read the input (`--format`, `--dtype`, ...); `option` names it
        Kernel, ///< no kernel, or an unknown one
        Plugin, ///< a kernel plugin that cannot be loaded
        Param, ///< a kernel parameter; `param` names it when it is known
        Indices, ///< the index spec (`all`, a slice, a list, `@FILE.npy`)
        Workers,
        ChunkSize,
        Retries,
        TaskTimeout,
        Mode,
        Output,
        Summary,
        Resume, ///< `--resume`: the partial results
        Results, ///< the job as a whole would give too many values
    };

    Field field = Field::None;
    /// Field::Param: the kernel parameter at fault (empty when the error spans several).
    /// Field::InputOptions: the option's name (`format`, `dtype`, ...).
    QString param;
    QString message;

    JobError() = default;
    JobError(Field field, const QString& message, const QString& param = QString())
        : field(field)
        , param(param)
        , message(message)
    { }

    /// True when there is an error.
    bool isError() const { return !message.isEmpty(); }
    explicit operator bool() const { return isError(); }
};

} // namespace sharedmap
