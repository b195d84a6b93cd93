"""Emotion analysis: classifiers behind one interface, plus hashtags, feedback and safety.

    from emotion_service.domain.analysis.analyser import DiaryAnalyser
    from emotion_service.domain.analysis.factory import build_classifier

    analyser = DiaryAnalyser(build_classifier("offline"))
    analyser.analyse(["오늘 친구들과 한강에서 치킨을 먹었다. 행복했다."])
"""
