def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('mlsec:verify: 1 of 1 model failed verification')
assert log.contains('src/main/resources/model.mlsec does not match its signature src/main/resources/model.mlsec.sig')
assert !log.contains('at org.mlsec') : 'no stack trace'
return true
