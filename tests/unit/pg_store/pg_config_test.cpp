#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "pg_config.hpp"

namespace processhost::plugins::pg_store {
namespace {

rapidjson::Document parse(const char* text) {
  rapidjson::Document document;
  document.Parse(text);
  return document;
}

EnvLookup environment(std::map<std::string, std::string> values) {
  return [values](const char* name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::string failure(const rapidjson::Value& config, const std::filesystem::path& dir = "/cfg") {
  try {
    parse_pg_config(config, dir, "/cfg/host.json", environment({}));
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(PgConfig, ReadsEverySettingOfAnInlineObject) {
  const auto document = parse(R"({"host":"db.local","port":6543,"database":"flows","user":"engine",
      "password":"s3cret","poolSize":12,"statementTimeoutMs":2500,"connectTimeoutSeconds":7,"maxQueuedRequests":99})");
  const auto config = parse_pg_config(document, "/cfg", "/cfg/host.json", environment({}));
  EXPECT_EQ(config.host, "db.local");
  EXPECT_EQ(config.port, 6543);
  EXPECT_EQ(config.database, "flows");
  EXPECT_EQ(config.user, "engine");
  EXPECT_EQ(config.password, "s3cret");
  EXPECT_EQ(config.pool_size, 12u);
  EXPECT_EQ(config.statement_timeout_ms, 2500);
  EXPECT_EQ(config.connect_timeout_seconds, 7);
  EXPECT_EQ(config.max_queued_requests, 99u);
  EXPECT_EQ(config.source_file, "/cfg/host.json");
  EXPECT_EQ(config.server(), "db.local:6543");
}

TEST(PgConfig, DefaultsApplyToAnEmptyObject) {
  const auto document = parse("{}");
  const auto config = parse_pg_config(document, "/cfg", "/cfg/host.json", environment({}));
  EXPECT_EQ(config.host, "127.0.0.1");
  EXPECT_EQ(config.port, 5432);
  EXPECT_EQ(config.database, "processhost");
  EXPECT_EQ(config.pool_size, 4u);
  EXPECT_EQ(config.commit_connections(), 2u) << "at least two";
}

TEST(PgConfig, CommitConnectionsAreAPartOfThePool) {
  auto config = parse_pg_config(parse(R"({"poolSize":32})"), "/cfg", "/cfg/host.json", environment({}));
  EXPECT_EQ(config.commit_connections(), 8u);
  config = parse_pg_config(parse(R"({"poolSize":2})"), "/cfg", "/cfg/host.json", environment({}));
  EXPECT_EQ(config.commit_connections(), 1u) << "one connection left for reads";
  config = parse_pg_config(parse(R"({"poolSize":1})"), "/cfg", "/cfg/host.json", environment({}));
  EXPECT_EQ(config.commit_connections(), 1u) << "at least one";
  config = parse_pg_config(parse(R"({"poolSize":8})"), "/cfg", "/cfg/host.json", environment({}));
  EXPECT_EQ(config.commit_connections(), 2u) << "at least two";
  config = parse_pg_config(parse(R"({"poolSize":4,"maxCommitConnections":3})"), "/cfg", "/cfg/host.json",
                           environment({}));
  EXPECT_EQ(config.commit_connections(), 3u);
  config = parse_pg_config(parse(R"({"poolSize":4,"maxCommitConnections":9})"), "/cfg", "/cfg/host.json",
                           environment({}));
  EXPECT_EQ(config.commit_connections(), 4u) << "never more than the pool";
}

TEST(PgConfig, ReadsASettingsFileRelativeToTheConfigFolder) {
  const auto dir = std::filesystem::temp_directory_path() / ("pg_config_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "data_sources");
  std::ofstream(dir / "data_sources" / "postgres.json") << R"({"port": 7000, "database": "from_file"})";
  for (const char* text : {R"("data_sources/postgres.json")", R"({"file": "data_sources/postgres.json"})"}) {
    const auto document = parse(text);
    const auto config = parse_pg_config(document, dir, dir / "host.json", environment({}));
    EXPECT_EQ(config.port, 7000);
    EXPECT_EQ(config.database, "from_file");
    EXPECT_EQ(config.source_file, dir / "data_sources" / "postgres.json");
  }
  const auto missing = parse(R"("data_sources/none.json")");
  const auto message = failure(missing, dir);
  EXPECT_NE(message.find("none.json"), std::string::npos) << message;
  EXPECT_NE(message.find("cannot read"), std::string::npos) << message;
  std::filesystem::remove_all(dir);
}

TEST(PgConfig, BadSettingsAreNamed) {
  EXPECT_NE(failure(parse(R"({"port":"5432"})")).find("\"port\" must be an integer"), std::string::npos);
  EXPECT_NE(failure(parse(R"({"port":70000})")).find("\"port\" must be an integer from 1 to 65535"), std::string::npos);
  EXPECT_NE(failure(parse(R"({"poolSize":0})")).find("\"poolSize\""), std::string::npos);
  EXPECT_NE(failure(parse(R"({"hots":"x"})")).find("unknown setting \"hots\""), std::string::npos);
  EXPECT_NE(failure(parse(R"({"database":""})")).find("\"database\" must not be empty"), std::string::npos);
  EXPECT_NE(failure(parse("42")).find("/cfg/host.json"), std::string::npos);
}

TEST(PgConfig, EnvironmentOverridesPasswordAndConnection) {
  const auto document = parse(R"({"host":"file-host","port":1111,"database":"file_db","user":"file_user",
      "password":"from_file"})");
  auto config = parse_pg_config(document, "/cfg", "/cfg/pg.json", environment({{"PROCESSHOST_PG_PASSWORD", "env"}}));
  EXPECT_EQ(config.password, "env");
  EXPECT_EQ(config.host, "file-host");

  config = parse_pg_config(document, "/cfg", "/cfg/pg.json",
                           environment({{"PROCESSHOST_PG_URL", "postgresql://url_user:pw@url-host:2222/url_db"}}));
  EXPECT_EQ(config.host, "url-host");
  EXPECT_EQ(config.port, 2222);
  EXPECT_EQ(config.database, "url_db");
  EXPECT_EQ(config.user, "url_user");
  const auto conninfo = config.conninfo();
  EXPECT_NE(conninfo.find("host='url-host'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("password='pw'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("dbname='url_db'"), std::string::npos) << conninfo;
  EXPECT_EQ(conninfo.find("file-host"), std::string::npos) << conninfo;
  const auto admin = config.conninfo("postgres");
  EXPECT_NE(admin.find("dbname='postgres'"), std::string::npos) << admin;
  EXPECT_EQ(admin.find("url_db"), std::string::npos) << admin;

  try {
    parse_pg_config(document, "/cfg", "/cfg/pg.json", environment({{"PROCESSHOST_PG_URL", "host=x no_such_option=1"}}));
    ADD_FAILURE() << "an invalid URL was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("PROCESSHOST_PG_URL"), std::string::npos) << e.what();
  }
}

// A primary with a standby: the URL names both, and the store keeps the one that takes writes.
TEST(PgConfig, AMultiHostUrlConnectsToTheServerThatTakesWrites) {
  const auto document = parse(R"({"url":"postgresql://app@10.0.0.1:5432,10.0.0.2:5433/flows","failoverWindowMs":2500})");
  const auto config = parse_pg_config(document, "/cfg", "/cfg/pg.json", environment({}));
  EXPECT_EQ(config.database, "flows");
  EXPECT_EQ(config.failover_window_ms, 2500);
  EXPECT_EQ(config.server(), "10.0.0.1,10.0.0.2 (ports 5432,5433)");
  const auto conninfo = config.conninfo();
  EXPECT_NE(conninfo.find("host='10.0.0.1,10.0.0.2'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("port='5432,5433'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("target_session_attrs='read-write'"), std::string::npos) << conninfo;

  const auto chosen = parse(R"({"url":"postgresql://a,b/flows?target_session_attrs=primary"})");
  const auto own = parse_pg_config(chosen, "/cfg", "/cfg/pg.json", environment({})).conninfo();
  EXPECT_NE(own.find("target_session_attrs='primary'"), std::string::npos) << own;
  EXPECT_EQ(own.find("read-write"), std::string::npos) << own;

  EXPECT_EQ(parse_pg_config(parse("{}"), "/cfg", "/cfg/pg.json", environment({})).failover_window_ms, 10000);
  try {
    parse_pg_config(parse(R"({"failoverWindowMs":-1})"), "/cfg", "/cfg/pg.json", environment({}));
    ADD_FAILURE() << "a negative window was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("\"failoverWindowMs\""), std::string::npos) << e.what();
  }
}

// Off by default (a single server has no standby); a failover setup turns it on.
TEST(PgConfig, ASynchronousStandbyIsRequiredOnlyWhenAsked) {
  EXPECT_FALSE(parse_pg_config(parse("{}"), "/cfg", "/cfg/pg.json", environment({})).require_synchronous_standby);
  EXPECT_TRUE(parse_pg_config(parse(R"({"requireSynchronousStandby":true})"), "/cfg", "/cfg/pg.json", environment({}))
                  .require_synchronous_standby);
  try {
    parse_pg_config(parse(R"({"requireSynchronousStandby":"yes"})"), "/cfg", "/cfg/pg.json", environment({}));
    ADD_FAILURE() << "a string was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("\"requireSynchronousStandby\" must be true or false"), std::string::npos)
        << e.what();
  }
}

TEST(PgConfig, ConninfoQuotesValuesAndCarriesTimeouts) {
  const auto document = parse(R"({"password":"it's a \\ secret","statementTimeoutMs":1500,"connectTimeoutSeconds":3})");
  const auto config = parse_pg_config(document, "/cfg", "/cfg/pg.json", environment({}));
  const auto conninfo = config.conninfo();
  EXPECT_NE(conninfo.find(R"(password='it\'s a \\ secret')"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("connect_timeout='3'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("options='-c statement_timeout=1500'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("dbname='processhost'"), std::string::npos) << conninfo;
}

TEST(PgConfig, HintsAndTheirSendInterval) {
  const auto defaults = parse_pg_config(parse("{}"), "/cfg", "/cfg/host.json", environment({}));
  EXPECT_TRUE(defaults.hints);
  EXPECT_EQ(defaults.hint_interval_ms, 20);
  const auto set = parse_pg_config(parse(R"({"hints":false,"hintIntervalMs":250})"), "/cfg", "/cfg/host.json",
                                   environment({}));
  EXPECT_FALSE(set.hints);
  EXPECT_EQ(set.hint_interval_ms, 250);
  EXPECT_NE(failure(parse(R"({"hintIntervalMs":0})")).find("\"hintIntervalMs\""), std::string::npos);
  EXPECT_NE(failure(parse(R"({"hintIntervalMs":5000})")).find("\"hintIntervalMs\""), std::string::npos);
  EXPECT_NE(failure(parse(R"({"hints":"yes"})")).find("\"hints\" must be true or false"), std::string::npos);
}

}  // namespace
}  // namespace processhost::plugins::pg_store
