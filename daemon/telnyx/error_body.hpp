// One-line summaries of error bodies.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace roomsd::telnyx {

// A one-line summary of an error body of any of the spec's shapes
// (video_Errors, video_Error, video_GenericErrorResponse) or of anything else:
// printable, at most a few hundred characters, never a forged log line.
std::string describeErrorBody(std::string_view body);

} // namespace roomsd::telnyx
