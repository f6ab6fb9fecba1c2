#include "proto/rpc/log_line.h"

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace integrator::rpc {
namespace {

LogLine Sample() {
  LogLine line;
  line.Text("request_id", "0b3c")
      .Text("face", "rest")
      .Number("status", 200)
      .Millis("latency_ms", absl::Microseconds(412))
      .Quoted("error", "HTTP 500 \"bad\"");
  return line;
}

class LogLineTest : public ::testing::Test {
 protected:
  void TearDown() override { SetLogFormat(LogFormat::kText); }
};

TEST_F(LogLineTest, TextKeepsTheFieldOrder) {
  SetLogFormat(LogFormat::kText);
  EXPECT_EQ(Sample().Render(),
            "request_id=0b3c face=rest status=200 latency_ms=0.412 "
            "error=\"HTTP 500 \"bad\"\"");
}

TEST_F(LogLineTest, JsonIsOneParsableObjectWithNumbersAsNumbers) {
  SetLogFormat(LogFormat::kJson);
  const std::string line = Sample().Quoted("detail", "two\nlines").Render();
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &parsed).ok())
      << line;
  const auto& fields = parsed.fields();
  EXPECT_EQ(fields.at("request_id").string_value(), "0b3c");
  EXPECT_EQ(fields.at("status").number_value(), 200);
  EXPECT_DOUBLE_EQ(fields.at("latency_ms").number_value(), 0.412);
  EXPECT_EQ(fields.at("error").string_value(), "HTTP 500 \"bad\"");
  EXPECT_EQ(fields.at("detail").string_value(), "two\nlines");
  EXPECT_NE(line.find("\"status\":200"), std::string::npos) << line;
}

TEST_F(LogLineTest, ParsesOnlyTheTwoFormats) {
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(*ParseLogFormat("text"), LogFormat::kText);
  EXPECT_FALSE(ParseLogFormat("JSON").ok());
  EXPECT_FALSE(ParseLogFormat("").ok());
}

}  // namespace
}  // namespace integrator::rpc
