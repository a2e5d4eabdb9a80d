// How pg_store classifies what libpqxx throws (store_errors.hpp). libpqxx 6 throws a
// deadlock or a serialization failure as transaction_rollback, not as sql_error: they must
// come out as conflicts, which the engine runs again, not as internal errors.

#include <gtest/gtest.h>

#include <exception>

#include <pqxx/except>

#include "store_errors.hpp"

namespace processhost::plugins::pg_store {
namespace {

template <class Exception, class... Args>
StoreFailure classified(Args&&... args) {
  return classify_store_exception(std::make_exception_ptr(Exception(std::forward<Args>(args)...)));
}

TEST(ClassifyStoreException, ADeadlockIsAConflict) {
  const auto failure = classified<pqxx::deadlock_detected>("ERROR:  deadlock detected");
  EXPECT_EQ(failure.error.status, ErrorStatus::conflict);
  EXPECT_NE(failure.error.message.find("deadlock detected"), std::string::npos) << failure.error.message;
  EXPECT_FALSE(failure.connection_lost);
  EXPECT_FALSE(failure.not_primary);
}

TEST(ClassifyStoreException, ASerializationFailureIsAConflict) {
  const auto failure = classified<pqxx::serialization_failure>("ERROR:  could not serialize access");
  EXPECT_EQ(failure.error.status, ErrorStatus::conflict);
  EXPECT_FALSE(failure.connection_lost);
}

TEST(ClassifyStoreException, AnUnknownCompletionIsSettledLikeALostConnection) {
  const auto failure = classified<pqxx::statement_completion_unknown>("ERROR:  statement completion unknown");
  EXPECT_EQ(failure.error.status, ErrorStatus::unavailable);
  EXPECT_TRUE(failure.connection_lost);
}

TEST(ClassifyStoreException, OtherStatementErrorsStayInternal) {
  const auto failure = classified<pqxx::sql_error>("ERROR:  syntax error", "SELEC 1", "42601");
  EXPECT_EQ(failure.error.status, ErrorStatus::internal);
  EXPECT_FALSE(failure.connection_lost);
}

}  // namespace
}  // namespace processhost::plugins::pg_store
