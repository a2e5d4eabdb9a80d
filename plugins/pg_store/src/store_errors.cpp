#include "store_errors.hpp"

#include <pqxx/except>

#include <string>

#include "pg_session.hpp"

namespace processhost::plugins::pg_store {

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

Error store_unavailable(const std::string& reason) {
  return make_error(ErrorStatus::unavailable, "store unavailable: " + one_line(reason));
}

StoreFailure classify_store_exception(std::exception_ptr exception) {
  try {
    std::rethrow_exception(exception);
  } catch (const pqxx::broken_connection& e) {
    return {store_unavailable(e.what()), true};
  } catch (const pqxx::in_doubt_error& e) {
    return {store_unavailable(e.what()), true};
  } catch (const pqxx::statement_completion_unknown& e) {
    // 40003: the server cannot tell whether the statement took effect; settled like a lost
    // connection.
    return {store_unavailable(e.what()), true};
  } catch (const pqxx::transaction_rollback& e) {
    // 40001, 40P01 (a serialization failure, a deadlock: a commit of the kept counts and a
    // fold can meet so). libpqxx 6 derives these from failure, not from sql_error, so they
    // are caught here: a conflict, which the engine runs again.
    return {make_error(ErrorStatus::conflict, "store conflict: " + one_line(e.what())), false};
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02") {
      return {store_unavailable(e.what()), true};
    }
    // 25006: a demoted primary (or one that a failover made read-only) refused a write.
    // 57P03: the server accepts no connections yet (in recovery, starting up).
    if (state == "25006" || state == "57P03") {
      return {store_unavailable("the server is not the primary: " + std::string(e.what())), false, true};
    }
    if (state == "57014") return {store_unavailable("statement timed out: " + std::string(e.what())), false};
    if (state.rfind("53", 0) == 0) return {store_unavailable(e.what()), false};
    return {make_error(ErrorStatus::internal, "store error: " + one_line(e.what())), false};
  } catch (const NoSynchronousStandby& e) {
    return {store_unavailable(e.what()), false, true};
  } catch (const std::exception& e) {
    return {make_error(ErrorStatus::internal, "store error: " + one_line(e.what())), false};
  } catch (...) {
    return {make_error(ErrorStatus::internal, "store error: unknown exception"), false};
  }
}

}  // namespace processhost::plugins::pg_store
