# Sourced by ./mvnw and ./tokenport: sets JAVA_HOME to a JDK 25 or newer.
# Uses $JAVA_HOME when it already is one; otherwise looks in the usual install folders.
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 25 ] 2>/dev/null; then
  found=""
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/*2[5-9]* /opt/java/* /opt/jdk*; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 25 ] 2>/dev/null; then
      found="$candidate"
      break
    fi
  done
  if [ -z "$found" ]; then
    echo "TokenPort needs JDK 25 or newer: set JAVA_HOME to one (found none under /usr/lib/jvm or /opt)." >&2
    exit 1
  fi
  export JAVA_HOME="$found"
fi
