def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
// the finding's text in the Maven error, naming the file
assert log =~ /mlsec:scan found 1 problem at or above HIGH/
assert log =~ /CRITICAL src\/main\/resources\/model\.pkl: .*os/
assert !log.contains('at org.mlsec') : 'no stack trace'
def sarif = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/mlsec/scan.sarif'))
def result = sarif.runs[0].results[0]
assert result.level == 'error'
assert result.properties.'security-severity' == '9.8'
def loc = result.locations[0].physicalLocation.artifactLocation
assert loc.uri == 'src/main/resources/model.pkl' : loc
assert loc.uriBaseId == '%SRCROOT%'
assert new File(basedir, 'target/mlsec/scan.html').text.contains('model.pkl')
return true
