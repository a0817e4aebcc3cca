# Sourced by ./equirisk and ./run-tests: finds a JDK 25+ and Maven, or says what to install.
# Order: $JAVA_HOME if it is 25+, then /usr/lib/jvm/*25* or newer, then `java` on the PATH if it is 25+.
equirisk_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1
}

equirisk_find_jdk() {
  local cand major
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/*-2[5-9]* /usr/lib/jvm/jdk-2[5-9]* \
              "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    major=$(equirisk_java_major "$cand")
    case "$major" in ''|1.*) continue ;; esac
    if [ "$major" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$cand"
      return 0
    fi
  done
  echo "equirisk needs a JDK 25 or newer (found none: JAVA_HOME='${JAVA_HOME:-}', /usr/lib/jvm has no 25+)." >&2
  echo "Install one, e.g. Temurin 25 (https://adoptium.net, or 'apt-get install temurin-25-jdk' with the Adoptium" >&2
  echo "repository), then set JAVA_HOME to it." >&2
  return 1
}

equirisk_find_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "equirisk builds with Apache Maven 3.8+, which is not on the PATH. Install it ('apt-get install maven')." >&2
    return 1
  fi
}
