#pragma once
// The ids of the processes a BPMN document declares, read before it is deployed so that the
// Management API can refuse a document whose process does not match the URL's name, or
// that holds several processes, without touching the engine. The engine validates the rest.

#include <string>
#include <string_view>
#include <vector>

#include "processhost/result.hpp"

namespace processhost::plugins::management_api {

// The id attribute of every executable <process> child of <definitions> (isExecutable="true"),
// or of every <process> when none is executable, in document order (any namespace prefix). 422 naming the parser's description and offset when the text is not
// well-formed XML. Pure.
Result<std::vector<std::string>> bpmn_process_ids(std::string_view xml);

}  // namespace processhost::plugins::management_api
